import type { ReactNode } from "react";
import { problemAt } from "../api";

/** What a form shows for one field the backend refused: the input's ARIA
 * attributes (invalid, described by the message) and the message itself,
 * to put under the input. Nothing when the field is fine. */
export function fieldProblem(
  error: unknown,
  field: string,
  form: string,
): { attrs: { "aria-invalid"?: true; "aria-describedby"?: string }; note: ReactNode; message?: string } {
  const message = problemAt(error, field);
  if (!message) return { attrs: {}, note: null };
  const id = `${form}-problem-${field}`;
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
