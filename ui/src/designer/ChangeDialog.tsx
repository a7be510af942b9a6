import { useState, type FormEvent, type ReactNode } from "react";
import type { AppDef, Change, ChangeEntry, Definitions, Environment, FieldDef, FilterOp, TableDef, ViewDef } from "../bindings";
import { fieldProblem, type FieldProblemView } from "../shared/FieldProblem";
import { FILTER_OPS } from "../shared/labels";
import { ErrorBanner } from "../shared/ErrorBanner";
import { Modal } from "../shared/Modal";
import { useApplyChange } from "./useApplyChange";
import { TYPE_NAMES, buildType, describeType, type TypeName } from "./fieldTypes";

export type ChangeSpec =
  | { kind: "app" }
  | { kind: "table"; app: AppDef }
  | { kind: "share"; table: TableDef }
  | { kind: "add_field"; table: TableDef }
  | { kind: "rename"; field: FieldDef }
  | { kind: "retype"; field: FieldDef }
  | { kind: "options"; field: FieldDef }
  | { kind: "delete"; field: FieldDef }
  | { kind: "view"; app: AppDef; table: TableDef; view?: ViewDef };

const TITLES: Record<ChangeSpec["kind"], string> = {
  app: "New app",
  table: "New table",
  share: "Share a table with another app",
  add_field: "Add a field",
  rename: "Rename a field",
  retype: "Change a field's type",
  options: "Edit a choice field's options",
  delete: "Delete a field",
  view: "View",
};

type Props = { env: Environment; defs: Definitions; spec: ChangeSpec; onClose: () => void; onDone: (entry: ChangeEntry) => void };

// One form per designer change. Whatever the backend refuses is shown in
// the dialog with the input kept, so the user can correct it.
export function ChangeDialog({ env, defs, spec, onClose, onDone }: Props) {
  const change = useApplyChange(env, onDone);
  const field = "field" in spec ? spec.field : null;
  const [name, setName] = useState(field?.name ?? (spec.kind === "view" ? (spec.view?.name ?? "") : ""));
  const [typeName, setTypeName] = useState<TypeName>(spec.kind === "retype" && field?.fieldType.type === "text" ? "number" : "text");
  const [options, setOptions] = useState(field?.fieldType.type === "choice" ? field.fieldType.options.join("\n") : "");
  const [linkTable, setLinkTable] = useState<number | null>(defs.tables[0]?.id ?? null);
  const [shareApp, setShareApp] = useState<number | null>(null);
  const view = spec.kind === "view" ? spec.view : undefined;
  const [viewFields, setViewFields] = useState<number[]>(view?.fieldIds ?? []);
  const [filterField, setFilterField] = useState<number | null>(view?.filter?.fieldId ?? null);
  const [filterOp, setFilterOp] = useState<FilterOp>(view?.filter?.op ?? "equals");
  const [filterValue, setFilterValue] = useState(view?.filter?.value ?? "");

  const build = (): Change => {
    switch (spec.kind) {
      case "app":
        return { change: "create_app", name };
      case "table":
        return { change: "create_table", appId: spec.app.id, name };
      case "share":
        return { change: "share_table", tableId: spec.table.id, appId: shareApp ?? 0 };
      case "add_field":
        return { change: "add_field", tableId: spec.table.id, name, fieldType: buildType(typeName, options, linkTable) };
      case "rename":
        return { change: "rename_field", fieldId: spec.field.id, name };
      case "retype":
        return { change: "retype_field", fieldId: spec.field.id, fieldType: buildType(typeName, options, linkTable) };
      case "options":
        return { change: "set_choice_options", fieldId: spec.field.id, options: options.split("\n").filter((o) => o.trim() !== "") };
      case "delete":
        return { change: "delete_field", fieldId: spec.field.id };
      case "view": {
        const filter = filterField == null ? null : { fieldId: filterField, op: filterOp, value: filterValue };
        return spec.view
          ? { change: "edit_view", viewId: spec.view.id, name, fieldIds: viewFields, filter }
          : { change: "create_view", appId: spec.app.id, tableId: spec.table.id, name, fieldIds: viewFields, filter };
      }
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    change.apply(build());
  };

  const title = spec.kind === "view" ? (spec.view ? `Edit view ${spec.view.name}` : `New view of ${spec.table.name}`) : TITLES[spec.kind];
  const typeEditor = (
    <>
      <Labelled label="Type">
        <select value={typeName} onChange={(e) => setTypeName(e.target.value as TypeName)} data-testid="field-type">
          {TYPE_NAMES.filter((t) => spec.kind !== "retype" || t.id !== "link").map((t) => (
            <option key={t.id} value={t.id}>
              {t.label}
            </option>
          ))}
        </select>
      </Labelled>
      {typeName === "choice" && optionsEditor(options, setOptions, fieldProblem(change.error, "options", "change"))}
      {typeName === "link" && (
        <Labelled label="Links to records of">
          <select value={linkTable ?? ""} onChange={(e) => setLinkTable(Number(e.target.value))}>
            {defs.tables.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </Labelled>
      )}
    </>
  );
  const nameProblem = fieldProblem(change.error, "name", "change");
  const nameInput = (label: string) => (
    <Labelled label={label} problem={nameProblem}>
      <input value={name} onChange={(e) => setName(e.target.value)} autoFocus data-testid="change-name" {...nameProblem.attrs} />
    </Labelled>
  );
  const tableFields = spec.kind === "view" ? spec.table.fields : [];

  return (
    <Modal title={title} onClose={onClose} busy={change.busy} wide={spec.kind === "view"}>
      <form className="form" onSubmit={submit} data-testid="change-dialog">
        {change.error && <ErrorBanner error={change.error} />}
        {(spec.kind === "app" || spec.kind === "table") && nameInput("Name")}
        {spec.kind === "table" && <p className="hint">The table is created in {spec.app.name}, empty; add fields next.</p>}
        {spec.kind === "share" && (
          <Labelled label={`Also show ${spec.table.name} in`}>
            <select value={shareApp ?? ""} onChange={(e) => setShareApp(Number(e.target.value))} data-testid="share-app">
              <option value="" disabled>
                Choose an app
              </option>
              {defs.apps
                .filter((a) => !spec.table.appIds.includes(a.id))
                .map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
            </select>
          </Labelled>
        )}
        {spec.kind === "add_field" && (
          <>
            {nameInput("Field name")}
            {typeEditor}
          </>
        )}
        {spec.kind === "rename" && nameInput(`New name for ${spec.field.name}`)}
        {spec.kind === "retype" && (
          <>
            <p className="hint">
              {spec.field.name} is now {describeType(spec.field.fieldType, defs.tables)}. Every existing value is converted; if any cannot be, nothing
              changes and you are told how many.
            </p>
            {typeEditor}
          </>
        )}
        {spec.kind === "options" && optionsEditor(options, setOptions, fieldProblem(change.error, "options", "change"))}
        {spec.kind === "delete" && (
          <p>
            Delete <strong>{spec.field.name}</strong> and every value in it? Take a backup first if you may need them.
          </p>
        )}
        {spec.kind === "view" && (
          <>
            {nameInput("View name")}
            <fieldset className="checks">
              <legend>Fields shown, in order of ticking</legend>
              {tableFields.map((f) => (
                <label key={f.id} className="check">
                  <input
                    type="checkbox"
                    checked={viewFields.includes(f.id)}
                    onChange={(e) => setViewFields(e.target.checked ? [...viewFields, f.id] : viewFields.filter((id) => id !== f.id))}
                  />
                  {f.name}
                </label>
              ))}
            </fieldset>
            <div className="filter-row">
              <Labelled label="Show only records where">
                <select value={filterField ?? ""} onChange={(e) => setFilterField(e.target.value === "" ? null : Number(e.target.value))} data-testid="filter-field">
                  <option value="">(all records)</option>
                  {tableFields.map((f) => (
                    <option key={f.id} value={f.id}>
                      {f.name}
                    </option>
                  ))}
                </select>
              </Labelled>
              {filterField != null && (
                <>
                  <Labelled label="Condition">
                    <select value={filterOp} onChange={(e) => setFilterOp(e.target.value as FilterOp)}>
                      {FILTER_OPS.map((o) => (
                        <option key={o.id} value={o.id}>
                          {o.label}
                        </option>
                      ))}
                    </select>
                  </Labelled>
                  {filterOp !== "is_empty" && filterOp !== "is_not_empty" && (
                    <Labelled label="Value">
                      <input value={filterValue} onChange={(e) => setFilterValue(e.target.value)} />
                    </Labelled>
                  )}
                </>
              )}
            </div>
          </>
        )}
        {change.needsConfirm ? (
          <div className="confirm" role="alert" data-testid="confirm-production">
            <strong>{change.confirmMessage}</strong>
            <div className="actions">
              <button type="button" className="secondary" onClick={onClose}>
                Cancel
              </button>
              <button type="button" className="danger" onClick={change.confirm} disabled={change.busy} data-testid="confirm-production-apply">
                Apply to production
              </button>
            </div>
          </div>
        ) : (
          <div className="actions">
            <button type="button" className="secondary" onClick={onClose} disabled={change.busy}>
              Cancel
            </button>
            <button type="submit" className={spec.kind === "delete" ? "danger" : "primary"} disabled={change.busy} data-testid="apply-change">
              {spec.kind === "delete" ? "Delete field" : "Save"}
            </button>
          </div>
        )}
      </form>
    </Modal>
  );
}

// A labelled input, with the backend's problem with it shown under it.
function Labelled({ label, children, problem }: { label: string; children: ReactNode; problem?: FieldProblemView }) {
  return (
    <label className={problem?.message ? "has-problem" : undefined}>
      {label}
      {children}
      {problem?.note}
    </label>
  );
}

function optionsEditor(value: string, set: (v: string) => void, problem: FieldProblemView) {
  return (
    <Labelled label="Options, one per line" problem={problem}>
      <textarea rows={5} value={value} onChange={(e) => set(e.target.value)} data-testid="choice-options" {...problem.attrs} />
    </Labelled>
  );
}
