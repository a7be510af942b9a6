import type { NoteKind, ReleaseType, Selectable } from "../bindings";

export const RELEASE_TYPES: Record<ReleaseType, string> = { maintenance: "Maintenance", minor: "Minor", major: "Major", hotfix: "Hotfix" };
export const NOTE_KINDS: Record<NoteKind, string> = { feature: "Feature", change: "Change", deprecation: "Deprecation", fix: "Fix" };
export const SELECTABLE: Record<Selectable, string> = {
  yes: "Selectable",
  not_yet_available: "Not yet generally available",
  dropped_out: "Dropped out of the window",
};
