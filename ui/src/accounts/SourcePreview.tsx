import type { Misfits, SourceColumn, SourceKind, SourcePlan, SourcePreview as Preview, SourceTable } from "../bindings";

const KIND_LABELS: Record<SourceKind, string> = {
  text: "Text",
  number: "Number",
  date: "Date",
  boolean: "Yes/no",
  choice: "Choice",
  link: "Link",
  skip: "Leave out",
};

// The plan the preview proposes: every table that can come, each column of
// the kind proposed, a choice with every value seen.
export function proposedPlan(preview: Preview): SourcePlan {
  return {
    path: preview.path,
    appName: preview.appName,
    tables: preview.tables.map((t) => ({
      name: t.name,
      include: t.problem === null,
      columns: t.columns.map((c) => ({ name: c.name, kind: c.proposed, options: c.options ?? [] })),
    })),
  };
}

// How many values of the plan would not fit, over every included table.
export function planMisfits(preview: Preview, plan: SourcePlan): number {
  let count = 0;
  for (const t of preview.tables) {
    const tp = plan.tables.find((p) => p.name === t.name);
    if (!tp?.include) continue;
    for (const c of t.columns) {
      const kind = tp.columns.find((p) => p.name === c.name)?.kind ?? "skip";
      count += misfitsOf(c, kind)?.count ?? 0;
    }
  }
  return count;
}

function misfitsOf(c: SourceColumn, kind: SourceKind): Misfits | undefined {
  return c.offered.find((m) => m.kind === kind);
}

function sizeText(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

type Props = { preview: Preview; plan: SourcePlan; onChange: (plan: SourcePlan) => void; disabled: boolean };

// What Cutover will make of a database: each table, each field's type with
// the values that would not fit it, adjusted before anything is created.
export function SourcePreview({ preview, plan, onChange, disabled }: Props) {
  const setTable = (name: string, include: boolean) =>
    onChange({ ...plan, tables: plan.tables.map((t) => (t.name === name ? { ...t, include } : t)) });
  const setKind = (table: string, column: string, kind: SourceKind) =>
    onChange({
      ...plan,
      tables: plan.tables.map((t) =>
        t.name === table ? { ...t, columns: t.columns.map((c) => (c.name === column ? { ...c, kind } : c)) } : t,
      ),
    });
  const records = preview.tables.reduce((n, t) => n + (plan.tables.find((p) => p.name === t.name)?.include ? t.rows : 0), 0);
  return (
    <div className="source-preview" data-testid="source-preview">
      <p className="hint">
        {preview.path} · {sizeText(preview.sizeBytes)} · {preview.tables.length} {preview.fromFolder ? "CSV files" : "tables"}.{" "}
        {preview.apps.length > 0
          ? `A Cutover environment file: the tables go back into the apps ${preview.apps.join(", ")}, with their views;`
          : `The tables go into the app “${preview.appName}”;`}{" "}
        {records.toLocaleString()} records will be made. {preview.fromFolder ? "The files are only read." : "The file is only read."}
      </p>
      {preview.tables.map((t) => (
        <SourceTableCard
          key={t.name}
          table={t}
          include={plan.tables.find((p) => p.name === t.name)?.include ?? false}
          kindOf={(c) => plan.tables.find((p) => p.name === t.name)?.columns.find((p) => p.name === c)?.kind ?? "skip"}
          onInclude={(v) => setTable(t.name, v)}
          onKind={(c, k) => setKind(t.name, c, k)}
          disabled={disabled}
          fromFolder={preview.fromFolder}
        />
      ))}
    </div>
  );
}

type CardProps = {
  table: SourceTable;
  include: boolean;
  kindOf: (column: string) => SourceKind;
  onInclude: (include: boolean) => void;
  onKind: (column: string, kind: SourceKind) => void;
  disabled: boolean;
  fromFolder: boolean;
};

function SourceTableCard({ table, include, kindOf, onInclude, onKind, disabled, fromFolder }: CardProps) {
  const keyText = fromFolder
    ? "records numbered in file order"
    : table.key.length === 0
      ? "no primary key"
      : table.idsKept
        ? `ids kept from ${table.key[0]}`
        : `records numbered anew; key ${table.key.join(", ")} kept as fields`;
  return (
    <section className="source-table" data-testid={`source-table-${table.name}`}>
      <label className="check">
        <input type="checkbox" checked={include} disabled={disabled || table.problem !== null} onChange={(e) => onInclude(e.target.checked)} />
        <strong>{table.name}</strong>
        {table.tableName !== table.name && <span className="muted"> → {table.tableName}</span>}
        <span className="muted"> · {table.rows.toLocaleString()} rows · {keyText}</span>
      </label>
      {table.problem && <p className="hint error">{table.problem}</p>}
      {include && table.columns.length > 0 && (
        <table className="source-columns">
          <thead>
            <tr>
              <th>Column</th>
              <th>Declared</th>
              <th>Becomes</th>
              <th>Values that do not fit</th>
            </tr>
          </thead>
          <tbody>
            {table.columns.map((c) => {
              const kind = kindOf(c.name);
              const misfit = misfitsOf(c, kind);
              return (
                <tr key={c.name} data-testid={`source-column-${table.name}-${c.name}`}>
                  <td title={c.fieldName !== c.name ? `Field “${c.fieldName}”` : undefined}>{c.name}</td>
                  <td className="muted">{c.declaredType || "—"}</td>
                  <td>
                    <select
                      value={kind}
                      disabled={disabled}
                      onChange={(e) => onKind(c.name, e.target.value as SourceKind)}
                      aria-label={`Type of ${table.name}.${c.name}`}
                    >
                      {c.offered.map((m) => {
                        const k = m.kind ?? "skip";
                        const label = k === "link" ? `Link to ${c.linksTo ?? "?"}` : KIND_LABELS[k];
                        return (
                          <option key={k} value={k}>
                            {m.count > 0 ? `${label} (${m.count.toLocaleString()} do not fit)` : label}
                          </option>
                        );
                      })}
                    </select>
                    {kind === "choice" && c.options && <div className="hint">Options: {c.options.join(", ")}</div>}
                  </td>
                  <td className={misfit && misfit.count > 0 ? "error" : "muted"}>
                    {misfit && misfit.count > 0 ? (
                      <>
                        {misfit.count.toLocaleString()}: {misfit.examples.join("; ")}
                      </>
                    ) : (
                      "none"
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
