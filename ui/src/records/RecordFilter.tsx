import { useState, type FormEvent } from "react";
import type { FieldDef, FilterOp, ViewFilter } from "../bindings";
import { problemAt } from "../api";
import { FILTER_OPS } from "../shared/labels";

type Props = {
  fields: FieldDef[];
  /** The filter in force, if any. */
  applied: ViewFilter | null;
  /** The page's error, for a refusal of the filter's value or condition. */
  error: unknown;
  onApply: (filter: ViewFilter | null) => void;
};

// Narrows the records to those whose field compares so with a value, with
// the conditions of a view's filter; the backend reads the value as the
// field's type and says at the input what is wrong with it.
export function RecordFilter({ fields, applied, error, onApply }: Props) {
  const [fieldId, setFieldId] = useState<number | null>(applied?.fieldId ?? null);
  const [op, setOp] = useState<FilterOp>(applied?.op ?? "equals");
  const [value, setValue] = useState(applied?.value ?? "");
  const field = fields.find((f) => f.id === fieldId);
  const valueProblem = applied ? problemAt(error, "value") : undefined;
  const filterProblem = applied ? problemAt(error, "filter") : undefined;
  const needsValue = op !== "is_empty" && op !== "is_not_empty";
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (fieldId != null) onApply({ fieldId, op, value: needsValue ? value : "" });
  };
  return (
    <form className="record-filter" onSubmit={submit} data-testid="record-filter" aria-label="Filter records">
      <label className={`inline${filterProblem ? " has-problem" : ""}`}>
        Filter
        <select value={fieldId ?? ""} onChange={(e) => setFieldId(e.target.value === "" ? null : Number(e.target.value))} data-testid="filter-by">
          <option value="">(no filter)</option>
          {fields.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
      </label>
      {field && (
        <>
          <select value={op} onChange={(e) => setOp(e.target.value as FilterOp)} aria-label="Condition" data-testid="filter-op" aria-invalid={filterProblem ? true : undefined}>
            {FILTER_OPS.map((o) => (
              <option key={o.id} value={o.id}>
                {o.label}
              </option>
            ))}
          </select>
          {needsValue && (
            <input
              value={value}
              onChange={(e) => setValue(e.target.value)}
              placeholder={field.fieldType.type === "date" ? "e.g. 1 Dec 2026" : field.fieldType.type === "boolean" ? "yes or no" : "value"}
              aria-label="Value"
              data-testid="filter-value"
              aria-invalid={valueProblem ? true : undefined}
              aria-describedby={valueProblem ? "filter-value-problem" : undefined}
            />
          )}
          <button type="submit" className="secondary" data-testid="filter-apply">
            Apply
          </button>
        </>
      )}
      {applied && (
        <button
          type="button"
          className="ghost"
          onClick={() => {
            setFieldId(null);
            setValue("");
            onApply(null);
          }}
          data-testid="filter-clear"
        >
          Clear filter
        </button>
      )}
      {(valueProblem || filterProblem) && (
        <span className="field-problem" id="filter-value-problem" data-testid="field-problem">
          {valueProblem ?? filterProblem}
        </span>
      )}
    </form>
  );
}
