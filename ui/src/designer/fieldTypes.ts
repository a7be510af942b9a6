import type { FieldType, TableDef } from "../bindings";

export type TypeName = FieldType["type"];

export const TYPE_NAMES: { id: TypeName; label: string }[] = [
  { id: "text", label: "Text" },
  { id: "number", label: "Number" },
  { id: "date", label: "Date" },
  { id: "boolean", label: "Yes / no" },
  { id: "choice", label: "Choice" },
  { id: "link", label: "Link to a table" },
];

export function describeType(t: FieldType, tables: TableDef[]): string {
  switch (t.type) {
    case "choice":
      return `Choice: ${t.options.join(", ")}`;
    case "link":
      return `Link to ${tables.find((x) => x.id === t.table_id)?.name ?? `table ${t.table_id}`}`;
    default:
      return TYPE_NAMES.find((n) => n.id === t.type)?.label ?? t.type;
  }
}

/** Builds a field type from the form's parts; options are one per line. */
export function buildType(name: TypeName, optionsText: string, linkTable: number | null): FieldType {
  switch (name) {
    case "choice":
      return { type: "choice", options: optionsText.split("\n").filter((o) => o.trim() !== "") };
    case "link":
      return { type: "link", table_id: linkTable ?? 0 };
    default:
      return { type: name };
  }
}
