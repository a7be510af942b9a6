import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { Environment } from "../bindings";
import { api } from "../api";
import { ErrorBanner } from "../shared/ErrorBanner";
import { ChangeDialog, type ChangeSpec } from "./ChangeDialog";
import { describeType } from "./fieldTypes";

// The designer: apps and their tables on the left, the chosen table's
// fields and views on the right. Every button opens one change's form.
export function DesignerPanel({ env }: { env: Environment }) {
  const defs = useQuery({ queryKey: ["definitions", env.id], queryFn: () => api.definitions(env.id) });
  const [selected, setSelected] = useState<{ app: number; table: number } | null>(null);
  const [spec, setSpec] = useState<ChangeSpec | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (defs.isError) return <ErrorBanner error={defs.error} />;
  if (!defs.data) return <p className="muted">Loading definitions…</p>;
  const d = defs.data;
  const firstApp = d.apps.find((a) => d.tables.some((t) => t.appIds.includes(a.id)));
  const current = selected ?? (firstApp ? { app: firstApp.id, table: d.tables.find((t) => t.appIds.includes(firstApp.id))?.id ?? -1 } : null);
  const app = d.apps.find((a) => a.id === current?.app);
  const table = d.tables.find((t) => t.id === current?.table);
  const views = d.views.filter((v) => v.tableId === table?.id && v.appId === app?.id);

  return (
    <div className="designer" data-testid="designer">
      <aside className="tree">
        <div className="tree-head">
          <strong>Apps</strong>
          <button type="button" className="ghost" onClick={() => setSpec({ kind: "app" })} data-testid="new-app">
            + App
          </button>
        </div>
        {d.apps.map((a) => (
          <div key={a.id} className="tree-app">
            <div className="tree-app-name">
              <span>{a.name}</span>
              <button type="button" className="ghost small" onClick={() => setSpec({ kind: "table", app: a })} data-testid="new-table" title={`New table in ${a.name}`}>
                + Table
              </button>
            </div>
            {d.tables
              .filter((t) => t.appIds.includes(a.id))
              .map((t) => (
                <button
                  key={t.id}
                  type="button"
                  className={current?.app === a.id && current.table === t.id ? "tree-table active" : "tree-table"}
                  onClick={() => setSelected({ app: a.id, table: t.id })}
                  data-testid="table-item"
                  data-table-name={t.name}
                >
                  {t.name}
                  {t.appIds.length > 1 && <span className="shared">shared</span>}
                </button>
              ))}
          </div>
        ))}
      </aside>
      <section className="table-detail">
        {done && (
          <div className="notice" role="status" data-testid="change-done">
            {done}
          </div>
        )}
        {!table || !app ? (
          <p className="empty">Create an app and a table to start designing.</p>
        ) : (
          <>
            <div className="detail-head">
              <div>
                <h2 data-testid="table-title">{table.name}</h2>
                <p className="sub">
                  In {table.appIds.map((id) => d.apps.find((x) => x.id === id)?.name).join(", ")} · {table.fields.length} fields
                </p>
              </div>
              <div className="detail-actions">
                <button type="button" className="secondary" onClick={() => setSpec({ kind: "share", table })} disabled={table.appIds.length === d.apps.length}>
                  Share with an app
                </button>
                <button type="button" className="primary" onClick={() => setSpec({ kind: "add_field", table })} data-testid="add-field">
                  Add field
                </button>
              </div>
            </div>
            <table className="grid">
              <thead>
                <tr>
                  <th>Field</th>
                  <th>Type</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {table.fields.map((f) => (
                  <tr key={f.id} data-testid="field-row" data-field-name={f.name}>
                    <td className="strong">{f.name}</td>
                    <td>{describeType(f.fieldType, d.tables)}</td>
                    <td className="row-actions">
                      <button type="button" className="ghost" onClick={() => setSpec({ kind: "rename", field: f })} data-testid="rename-field">
                        Rename
                      </button>
                      {f.fieldType.type !== "link" && (
                        <button type="button" className="ghost" onClick={() => setSpec({ kind: "retype", field: f })} data-testid="retype-field">
                          Change type
                        </button>
                      )}
                      {f.fieldType.type === "choice" && (
                        <button type="button" className="ghost" onClick={() => setSpec({ kind: "options", field: f })} data-testid="edit-options">
                          Options
                        </button>
                      )}
                      <button type="button" className="ghost danger-text" onClick={() => setSpec({ kind: "delete", field: f })} data-testid="delete-field">
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="detail-head">
              <h3>Views in {app.name}</h3>
              <button type="button" className="secondary" onClick={() => setSpec({ kind: "view", app, table })} disabled={table.fields.length === 0} data-testid="new-view">
                New view
              </button>
            </div>
            {views.length === 0 ? (
              <p className="muted">No views of this table in {app.name}.</p>
            ) : (
              <ul className="views">
                {views.map((v) => (
                  <li key={v.id}>
                    <span className="strong">{v.name}</span>
                    <span className="muted">
                      {v.fieldIds.map((id) => table.fields.find((f) => f.id === id)?.name).join(", ")}
                      {v.filter && ` · filtered on ${table.fields.find((f) => f.id === v.filter?.fieldId)?.name}`}
                    </span>
                    <button type="button" className="ghost" onClick={() => setSpec({ kind: "view", app, table, view: v })}>
                      Edit
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </section>
      {spec && (
        <ChangeDialog
          env={env}
          defs={d}
          spec={spec}
          onClose={() => setSpec(null)}
          onDone={(entry) => {
            setSpec(null);
            setDone(`Saved: ${entry.action.replace("_", " ")} ${entry.entityKind} "${entry.entityName}". It is in the changelog.`);
          }}
        />
      )}
    </div>
  );
}
