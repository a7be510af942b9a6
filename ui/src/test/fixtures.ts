import type { AccountOverview, EnvironmentKind, EnvironmentOverview } from "../bindings";

export function env(id: number, name: string, kind: EnvironmentKind, records = 1000): EnvironmentOverview {
  return {
    environment: {
      id,
      accountId: 1,
      name,
      kind,
      version: "10.0.1",
      status: "ready",
      createdAt: "2026-07-01T12:00:00Z",
      copiedFrom: kind === "production" ? null : 1,
    },
    dataSizeBytes: 512 * 1024,
    recordCount: records,
    recordCountEstimated: false,
    appCount: 2,
    tableCount: 4,
    lastBackupAt: null,
    storeError: null,
    hotfixes: [],
    runningImport: null,
    upgrade: null,
  };
}

export function demoOverview(extra: EnvironmentOverview[] = []): AccountOverview[] {
  return [
    {
      account: { id: 1, name: "Northwind Foods (demo)", platform: "Northwind Cloud Platform", timeZone: "Europe/London", isDemo: true },
      environments: [env(1, "Production", "production"), env(2, "UAT", "uat"), env(3, "Promotable sandbox", "promotable"), ...extra],
      server: null,
    },
  ];
}
