import { useEffect, useState } from "react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Environment, Record as DataRecord, RecordQuery } from "../bindings";
import { api } from "../api";
import { formatCount, formatValue } from "../format";
import { FILTER_OPS } from "../shared/labels";
import { ErrorBanner } from "../shared/ErrorBanner";
import { parseDay, showDay } from "../shared/DateField";
import { RecordDialog } from "./RecordDialog";
import { ImportDialog } from "./ImportDialog";
import { RecordFilter } from "./RecordFilter";

const PAGE = 50;

// A table's records: paged, sorted by any column (click its header), with
// add, edit, delete and CSV import.
export function RecordsPanel({ env }: { env: Environment }) {
  const queryClient = useQueryClient();
  const defs = useQuery({ queryKey: ["definitions", env.id], queryFn: () => api.definitions(env.id) });
  const [tableId, setTableId] = useState<number | null>(null);
  const [query, setQuery] = useState<RecordQuery>({ sortFieldId: null, descending: false, offset: 0, limit: PAGE, search: null, filter: null });
  // What is typed in Search reaches the query once typing pauses.
  const [typed, setTyped] = useState("");
  useEffect(() => {
    const t = window.setTimeout(() => setQuery((q) => ((q.search ?? "") === typed.trim() ? q : { ...q, offset: 0, search: typed.trim() || null })), 250);
    return () => window.clearTimeout(t);
  }, [typed]);
  const [editing, setEditing] = useState<DataRecord | "new" | null>(null);
  const [importing, setImporting] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState<number | null>(null);
  const table = defs.data?.tables.find((t) => t.id === tableId) ?? defs.data?.tables[0];
  const page = useQuery({
    queryKey: ["records", env.id, table?.id, query],
    queryFn: () => api.recordPage(env.id, table?.id ?? 0, query),
    enabled: table != null,
    placeholderData: keepPreviousData,
  });
  const remove = useMutation({
    mutationFn: (id: number) => api.deleteRecord(env.id, table?.id ?? 0, id),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: ["records", env.id] }), queryClient.invalidateQueries({ queryKey: ["overview"] })]),
  });
  if (defs.isError) return <ErrorBanner error={defs.error} />;
  if (!defs.data) return <p className="muted">Loading…</p>;
  if (!table) return <p className="empty">This environment has no tables yet. Add one in the designer.</p>;
  const sortBy = (fieldId: number) =>
    setQuery({ ...query, offset: 0, sortFieldId: fieldId, descending: query.sortFieldId === fieldId ? !query.descending : false });
  const data = page.data;
  return (
    <div className="records" data-testid="records">
      <div className="detail-head">
        <label className="inline">
          Table
          <select
            value={table.id}
            onChange={(e) => {
              setTableId(Number(e.target.value));
              setQuery({ sortFieldId: null, descending: false, offset: 0, limit: PAGE, search: null, filter: null });
              setTyped("");
            }}
            data-testid="records-table"
          >
            {defs.data.tables.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline search">
          Search
          <input type="search" value={typed} maxLength={200} placeholder="Any value in any field" onChange={(e) => setTyped(e.target.value)} data-testid="records-search" />
        </label>
        <div className="detail-actions">
          <button type="button" className="secondary" onClick={() => setImporting(true)} data-testid="import-csv">
            Import CSV…
          </button>
          <button type="button" className="primary" onClick={() => setEditing("new")} data-testid="add-record">
            Add record
          </button>
        </div>
      </div>
      <RecordFilter
        key={table.id}
        fields={table.fields}
        applied={query.filter ?? null}
        error={page.error}
        onApply={(filter) => setQuery({ ...query, offset: 0, filter })}
      />
      {page.isError && <ErrorBanner error={page.error} />}
      {remove.isError && <ErrorBanner error={remove.error} onDismiss={() => remove.reset()} />}
      {data && (
        <>
          <div className="grid-scroll">
            <table className="grid records">
              <thead>
                <tr>
                  <th className="num id-col">#</th>
                  {data.fields.map((f) => (
                    <th key={f.id} title={f.name}>
                      <button type="button" className="sort" onClick={() => sortBy(f.id)} data-testid="sort" data-field-name={f.name} title={`Sort by ${f.name}`}>
                        {f.name}
                        {query.sortFieldId === f.id ? (query.descending ? " ▼" : " ▲") : ""}
                      </button>
                    </th>
                  ))}
                  <th aria-label="Actions" className="actions-col" />
                </tr>
              </thead>
              <tbody>
                {data.records.map((r) => (
                  <tr key={r.id} data-testid="record-row" data-record-id={r.id}>
                    <td className="num muted">{r.id}</td>
                    {r.values.map((v, i) => {
                      // Days as the app writes them everywhere (stored as ISO).
                      const day = data.fields[i]?.fieldType.type === "date" && typeof v === "string" && parseDay(v) === v;
                      const shown = day ? showDay(v as string) : formatValue(v);
                      return (
                        <td key={data.fields[i]?.id ?? i} className={typeof v === "number" ? "num cell" : "cell"} title={day ? `${shown} (${v})` : shown}>
                          {/* In a span: WebDriver counts text set straight in a cell that clips as hidden. */}
                          <span>{shown}</span>
                        </td>
                      );
                    })}
                    <td className="row-actions">
                      <button type="button" className="ghost" onClick={() => setEditing(r)} data-testid="edit-record">
                        Edit
                      </button>
                      {/* Deleting asks once more, on the same button. */}
                      <button
                        type="button"
                        className="ghost danger-text"
                        onClick={() => (confirmDelete === r.id ? remove.mutate(r.id, { onSettled: () => setConfirmDelete(null) }) : setConfirmDelete(r.id))}
                        disabled={remove.isPending}
                        data-testid="delete-record"
                      >
                        {confirmDelete === r.id ? "Delete for good" : "Delete"}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="pager">
            <span className="muted" data-testid="records-total">
              {totalText(query, data.total, data.records.length, data.inTable, table.fields)}
            </span>
            <button type="button" className="secondary" disabled={query.offset === 0} onClick={() => setQuery({ ...query, offset: Math.max(0, query.offset - PAGE) })}>
              Previous
            </button>
            <button type="button" className="secondary" disabled={query.offset + PAGE >= data.total} onClick={() => setQuery({ ...query, offset: query.offset + PAGE })}>
              Next
            </button>
          </div>
        </>
      )}
      {editing && data && (
        <RecordDialog env={env} table={table} fields={data.fields} record={editing === "new" ? null : editing} onClose={() => setEditing(null)} />
      )}
      {importing && <ImportDialog env={env} table={table} onClose={() => setImporting(false)} />}
    </div>
  );
}

/** "1–50 of 120 holding “x” where Department equals Finance (151 in the table)". */
function totalText(query: RecordQuery, total: number, shown: number, inTable: number, fields: { id: number; name: string }[]): string {
  const parts: string[] = [];
  if (query.search) parts.push(`holding “${query.search}”`);
  const f = query.filter;
  if (f) {
    const name = fields.find((x) => x.id === f.fieldId)?.name ?? "a field";
    const op = FILTER_OPS.find((o) => o.id === f.op)?.label ?? f.op;
    parts.push(`where ${name} ${op}${f.op === "is_empty" || f.op === "is_not_empty" ? "" : ` “${f.value}”`}`);
  }
  const narrowed = parts.length > 0 ? ` ${parts.join(" ")} (${formatCount(inTable)} in the table)` : "";
  if (total === 0) return parts.length > 0 ? `No record${narrowed}` : "No records";
  return `${formatCount(query.offset + 1)}–${formatCount(query.offset + shown)} of ${formatCount(total)}${narrowed}`;
}
