import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Environment, FieldDef, Record as DataRecord, TableDef, Value } from "../bindings";
import { api } from "../api";
import { fieldProblem } from "../shared/FieldProblem";
import { formatValue } from "../format";
import { parseDay, showDay } from "../shared/DateField";
import { ErrorBanner } from "../shared/ErrorBanner";
import { Modal } from "../shared/Modal";

type Props = { env: Environment; table: TableDef; fields: FieldDef[]; record: DataRecord | null; onClose: () => void };

// Adds or edits one record. Values are sent as typed; the backend checks
// them against the field types and names every bad one.
export function RecordDialog({ env, table, fields, record, onClose }: Props) {
  const queryClient = useQueryClient();
  // Days are edited as the app shows them ("1 Dec 2026"); the backend reads that or ISO.
  const shown = (f: FieldDef, v: Value | null) => (f.fieldType.type === "date" && typeof v === "string" && parseDay(v) === v ? showDay(v) : formatValue(v));
  const [texts, setTexts] = useState<string[]>(fields.map((f, i) => (record ? shown(f, record.values[i] ?? null) : "")));
  const save = useMutation({
    mutationFn: () => {
      const cells = fields.map((f, i) => ({ fieldId: f.id, text: texts[i] ?? "" }));
      return record ? api.updateRecord(env.id, table.id, record.id, cells) : api.insertRecord(env.id, table.id, cells);
    },
    onSuccess: async () => {
      await Promise.all([queryClient.invalidateQueries({ queryKey: ["records", env.id] }), queryClient.invalidateQueries({ queryKey: ["overview"] })]);
      onClose();
    },
  });
  return (
    <Modal title={record ? `Edit record ${record.id} of ${table.name}` : `New record in ${table.name}`} onClose={onClose} busy={save.isPending}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
        data-testid="record-dialog"
      >
        {save.isError && <ErrorBanner error={save.error} />}
        <div className="record-fields">
          {fields.map((f, i) => {
            const set = (v: string) => setTexts(texts.map((t, j) => (j === i ? v : t)));
            const t = f.fieldType;
            const problem = fieldProblem(save.error, f.name, "record");
            const invalid = problem.attrs;
            return (
              <label key={f.id} className={problem.message ? "has-problem" : undefined}>
                {f.name}
                {t.type === "choice" || t.type === "boolean" ? (
                  <select value={texts[i]} onChange={(e) => set(e.target.value)} data-testid="record-field" data-field-name={f.name} {...invalid}>
                    <option value="">(empty)</option>
                    {(t.type === "choice" ? t.options : ["yes", "no"]).map((o) => (
                      <option key={o} value={o}>
                        {o}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    value={texts[i]}
                    onChange={(e) => set(e.target.value)}
                    placeholder={t.type === "date" ? "e.g. 1 Dec 2026" : t.type === "link" ? "record id" : ""}
                    inputMode={t.type === "number" || t.type === "link" ? "decimal" : undefined}
                    data-testid="record-field"
                    data-field-name={f.name}
                    {...invalid}
                  />
                )}
                {problem.note}
              </label>
            );
          })}
        </div>
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose} disabled={save.isPending}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={save.isPending} data-testid="save-record">
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}
