import type { ReactNode } from "react";
import { problemAt } from "../api";

/** What a form shows for one field the backend refused: the input's ARIA
 * attributes (invalid, described by the message) and the message itself,
 * to put under the input. Nothing when the field is fine. */
export type FieldProblemView = { attrs: { "aria-invalid"?: true; "aria-describedby"?: string }; note: ReactNode; message?: string };

export function fieldProblem(error: unknown, field: string, form: string): FieldProblemView {
  const message = problemAt(error, field);
  if (!message) return { attrs: {}, note: null };
  // An id is one token (aria-describedby lists ids by spaces).
  const id = `${form}-problem-${field.replace(/[^A-Za-z0-9_-]/g, "-")}`;
  return {
    attrs: { "aria-invalid": true, "aria-describedby": id },
    note: (
      <span className="field-problem" id={id} data-testid="field-problem" data-field-name={field}>
        {message}
      </span>
    ),
    message,
  };
}
