import type { EnvironmentKind, FilterOp } from "../bindings";

export const KIND_LABELS: Record<EnvironmentKind, string> = {
  production: "Production",
  uat: "UAT",
  sandbox: "Sandbox",
  promotable: "Promotable sandbox",
  development: "Development",
};

/** Kinds a user may create from the dashboard, in the order offered. */
export const CREATABLE_KINDS: EnvironmentKind[] = ["sandbox", "promotable", "development", "uat"];

/** The conditions of a filter (a view's, or the records'), in words. */
export const FILTER_OPS: { id: FilterOp; label: string }[] = [
  { id: "equals", label: "equals" },
  { id: "not_equals", label: "does not equal" },
  { id: "contains", label: "contains" },
  { id: "greater_than", label: "is greater than" },
  { id: "less_than", label: "is less than" },
  { id: "is_empty", label: "is empty" },
  { id: "is_not_empty", label: "is not empty" },
];
