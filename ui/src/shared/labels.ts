import type { EnvironmentKind } from "../bindings";

export const KIND_LABELS: Record<EnvironmentKind, string> = {
  production: "Production",
  uat: "UAT",
  sandbox: "Sandbox",
  promotable: "Promotable sandbox",
  development: "Development",
};

/** Kinds a user may create from the dashboard, in the order offered. */
export const CREATABLE_KINDS: EnvironmentKind[] = ["sandbox", "promotable", "development", "uat"];
