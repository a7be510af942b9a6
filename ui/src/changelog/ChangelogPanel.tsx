import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { Account, ChangeAction, ChangeEntry, ChangelogQuery, EntityKind, Environment } from "../bindings";
import { api } from "../api";
import { formatCount, formatInstant } from "../format";
import { ErrorBanner } from "../shared/ErrorBanner";
import { DateField } from "../shared/DateField";
import { Chart } from "../charts/Chart";
import { activitySeries } from "../charts/series";

const PAGE = 50;
const KINDS: EntityKind[] = ["app", "table", "field", "view"];
const ACTIONS: { id: ChangeAction; label: string }[] = [
  { id: "create", label: "Create" },
  { id: "rename", label: "Rename" },
  { id: "retype", label: "Change type" },
  { id: "delete", label: "Delete" },
  { id: "set_options", label: "Edit options" },
  { id: "share", label: "Share" },
  { id: "edit", label: "Edit" },
];
export const ACTION_LABELS = Object.fromEntries(ACTIONS.map((a) => [a.id, a.label])) as Record<ChangeAction, string>;

const EMPTY: ChangelogQuery = { author: null, from: null, to: null, appId: null, entityKind: null, action: null, offset: 0, limit: PAGE };

// The changelog review: every entry, newest first, filterable; a warning
// when other admins have unpromoted changes here; the selected entry's
// property-by-property before and after.
export function ChangelogPanel({ env, account }: { env: Environment; account: Account }) {
  const [query, setQuery] = useState<ChangelogQuery>(EMPTY);
  const [selected, setSelected] = useState<number | null>(null);
  const page = useQuery({
    queryKey: ["changelog", env.id, query],
    queryFn: () => api.changelog(env.id, query),
    placeholderData: keepPreviousData,
  });
  const defs = useQuery({ queryKey: ["definitions", env.id], queryFn: () => api.definitions(env.id) });
  const activity = useQuery({ queryKey: ["changelog", env.id, "activity"], queryFn: () => api.changelogActivity(env.id) });
  const weekly = activity.data ? activitySeries(activity.data) : null;
  const set = (patch: Partial<ChangelogQuery>) => {
    setQuery({ ...query, ...patch, offset: 0 });
    setSelected(null);
  };
  const data = page.data;
  const entry: ChangeEntry | undefined = data?.entries.find((e) => e.seq === selected) ?? data?.entries[0];
  const others = data?.otherAuthors ?? [];
  return (
    <div className="changelog" data-testid="changelog">
      {others.length > 0 && (
        <div className="banner banner-refusal" role="status" data-testid="other-authors">
          <div>
            <strong>Other admins have changed {env.name} since it was last promoted.</strong>
            <p>
              {others.map((o) => `${o.author} (${o.entries} change${o.entries === 1 ? "" : "s"})`).join(", ")}. Review their changes before promoting: filter by
              author below.
            </p>
          </div>
        </div>
      )}
      {activity.isError && <ErrorBanner error={activity.error} />}
      {weekly && weekly.series.length > 0 && <Chart kind="stacked" data={weekly} title="Changes per author per week (last 12 weeks)" testid="activity-chart" />}
      <div className="filters">
        <label>
          Author
          <select value={query.author ?? ""} onChange={(e) => set({ author: e.target.value || null })} data-testid="filter-author">
            <option value="">Everyone</option>
            {(data?.authors ?? []).map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <DateField value={query.from} onChange={(from) => set({ from })} label="From" testid="filter-from" />
        </label>
        <label>
          To
          <DateField value={query.to} onChange={(to) => set({ to })} label="To" testid="filter-to" />
        </label>
        <label>
          App
          <select value={query.appId ?? ""} onChange={(e) => set({ appId: e.target.value ? Number(e.target.value) : null })}>
            <option value="">All apps</option>
            {(defs.data?.apps ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Entity
          <select value={query.entityKind ?? ""} onChange={(e) => set({ entityKind: (e.target.value || null) as EntityKind | null })} data-testid="filter-kind">
            <option value="">All</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k[0].toUpperCase() + k.slice(1)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Action
          <select value={query.action ?? ""} onChange={(e) => set({ action: (e.target.value || null) as ChangeAction | null })} data-testid="filter-action">
            <option value="">All</option>
            {ACTIONS.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="ghost align-end" onClick={() => set(EMPTY)}>
          Clear filters
        </button>
      </div>
      <p className="hint">Dates are days in {account.timeZone}.</p>
      {page.isError && <ErrorBanner error={page.error} />}
      {data && data.total === 0 && <p className="empty" data-testid="changelog-empty">No changes match. Changes made in the designer appear here.</p>}
      {data && data.total > 0 && (
        <div className="changelog-body">
          <div>
            <table className="grid selectable">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Author</th>
                  <th>Change</th>
                  <th>Entity</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {data.entries.map((e) => (
                  <tr
                    key={e.seq}
                    className={entry?.seq === e.seq ? "selected" : ""}
                    onClick={() => setSelected(e.seq)}
                    data-testid="changelog-entry"
                    data-author={e.author}
                    data-entity={e.entityName}
                  >
                    <td className="nowrap">{formatInstant(e.at, account.timeZone)}</td>
                    <td>{e.author}</td>
                    <td>
                      {ACTION_LABELS[e.action]} {e.entityKind}
                    </td>
                    <td className="strong">{e.entityName}</td>
                    <td>{e.unpromoted && <span className="pill">unpromoted</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="pager">
              <span className="muted" data-testid="changelog-total">
                {data.entries.length === 0
                  ? "No older changes"
                  : `${formatCount(query.offset + 1)}–${formatCount(query.offset + data.entries.length)} of ${data.totalEstimated ? "about " : ""}${formatCount(data.total)}`}
              </span>
              <button type="button" className="secondary" disabled={query.offset === 0} onClick={() => setQuery({ ...query, offset: Math.max(0, query.offset - PAGE) })}>
                Newer
              </button>
              <button type="button" className="secondary" disabled={data.entries.length < PAGE || (!data.totalEstimated && query.offset + PAGE >= data.total)} onClick={() => setQuery({ ...query, offset: query.offset + PAGE })}>
                Older
              </button>
            </div>
          </div>
          {entry && (
            <aside className="diff" data-testid="diff">
              <h3>
                {ACTION_LABELS[entry.action]} {entry.entityKind} “{entry.entityName}”
              </h3>
              <p className="sub">
                #{entry.seq} by {entry.author}, {formatInstant(entry.at, account.timeZone, true)} · id {entry.entityId}
              </p>
              <table className="grid">
                <thead>
                  <tr>
                    <th>Property</th>
                    <th>Before</th>
                    <th>After</th>
                  </tr>
                </thead>
                <tbody>
                  {entry.diff.map((d) => (
                    <tr key={d.property}>
                      <td className="strong">{d.property}</td>
                      <td className="mono before">{d.before ?? "—"}</td>
                      <td className="mono after">{d.after ?? "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </aside>
          )}
        </div>
      )}
    </div>
  );
}
