// The one way the UI calls the backend. Generated commands answer
// `{status, data | error}`; this turns errors into thrown `AppError`s so
// TanStack Query sees them, and gives every failure a kind to switch on.
import { Channel } from "@tauri-apps/api/core";
import {
  commands,
  type CalendarSettings,
  type MoveProgress,
  type ServerChoice,
  type RejectedRow,
  type Category,
  type CellInput,
  type Change,
  type ChangelogQuery,
  type CommandError,
  type CopyProgress,
  type FieldProblem,
  type SourceProgress,
  type Decision,
  type CaseInput,
  type IssueDecision,
  type IssueInput,
  type IssueStatus,
  type ResultInput,
  type ErrorKind,
  type ImportEvent,
  type IntegrationKind,
  type KeptItem,
  type RecordQuery,
  type Role,
  type SourceEvent,
  type SourcePlan,
} from "./bindings";

export class AppError extends Error {
  readonly kind: ErrorKind;
  /** Each field's problem, when the error is about what was typed in a form. */
  readonly fields: FieldProblem[];
  constructor(kind: ErrorKind, message: string, fields: FieldProblem[] = []) {
    super(message);
    this.kind = kind;
    this.fields = fields;
    this.name = "AppError";
  }
}

/** The problem the backend found with one field of a form, if any. */
export function problemAt(error: unknown, field: string): string | undefined {
  if (error == null) return undefined;
  return toAppError(error).fields.find((p) => p.field === field)?.message;
}

type Answer<T> = { status: "ok"; data: T } | { status: "error"; error: CommandError };

/** Unwraps a command's answer; framework failures (a denied or unknown command) become internal errors. */
export async function call<T>(pending: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await pending;
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new AppError("internal", `The desktop shell refused the request: ${detail}`);
  }
  if (answer.status === "error") {
    const { kind, message, fields } = answer.error ?? {};
    if (typeof kind === "string" && typeof message === "string") throw new AppError(kind, message, Array.isArray(fields) ? fields : []);
    throw new AppError("internal", `Unexpected error from the backend: ${JSON.stringify(answer.error)}`);
  }
  return answer.data;
}

export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  // An error that arrived inside an event (`{kind, message}`).
  if (typeof e === "object" && e !== null && "kind" in e && "message" in e && typeof e.message === "string") {
    const fields = "fields" in e && Array.isArray(e.fields) ? (e.fields as FieldProblem[]) : [];
    return new AppError(e.kind as ErrorKind, e.message, fields);
  }
  return new AppError("internal", e instanceof Error ? e.message : String(e));
}

/** A channel the backend streams messages (progress, then results) into. */
function progressChannel<T = CopyProgress>(onMessage: (m: T) => void): Channel<T> {
  const channel = new Channel<T>();
  channel.onmessage = onMessage;
  return channel;
}

export const api = {
  overview: () => call(commands.environmentsOverview()),
  needsYou: () => call(commands.needsYou()),
  exportRejectedRows: (source: string, rejected: RejectedRow[], dest: string) => call(commands.exportRejectedRows(source, rejected, dest)),
  openNoteLink: (href: string) => call(commands.openNoteLink(href)),
  allowedActions: () => call(commands.allowedActions()),
  createEnvironment: (request: Parameters<typeof commands.createEnvironment>[0], onProgress: (p: CopyProgress) => void = () => undefined) =>
    call(commands.createEnvironment(request, progressChannel(onProgress))),
  deleteEnvironment: (id: number) => call(commands.deleteEnvironment(id)),
  reportInteractive: () => call(commands.reportInteractive()),
  listBackups: (environmentId: number) => call(commands.listBackups(environmentId)),
  cancelCopy: (environmentId: number) => call(commands.cancelCopy(environmentId)),
  takeBackup: (environmentId: number, onProgress: (p: CopyProgress) => void = () => undefined) =>
    call(commands.takeBackup(environmentId, progressChannel(onProgress))),
  verifyBackup: (backupId: number) => call(commands.verifyBackup(backupId)),
  restoreBackup: (backupId: number, platformChangeConfirmed: boolean, onProgress: (p: CopyProgress) => void = () => undefined) =>
    call(commands.restoreBackup(backupId, platformChangeConfirmed, progressChannel(onProgress))),
  restorePlatformChange: (backupId: number) => call(commands.restorePlatformChange(backupId)),
  deleteBackup: (backupId: number, confirmed: boolean) => call(commands.deleteBackup(backupId, confirmed)),
  backupRetention: () => call(commands.backupRetention()),
  setBackupRetention: (keep: number) => call(commands.setBackupRetention(keep)),
  promotionPlan: (environmentId: number) => call(commands.promotionPlan(environmentId)),
  promote: (environmentId: number, decisions: Decision[], typedName: string, onProgress: (p: CopyProgress) => void = () => undefined) =>
    call(commands.promote(environmentId, decisions, typedName, progressChannel(onProgress))),
  promotions: (productionId: number) => call(commands.listPromotions(productionId)),
  undoPreview: (promotionId: number) => call(commands.undoPreview(promotionId)),
  undoPromotion: (promotionId: number, onProgress: (p: CopyProgress) => void = () => undefined) =>
    call(commands.undoPromotion(promotionId, progressChannel(onProgress))),
  activity: (environmentId: number) => call(commands.environmentActivity(environmentId)),
  admins: () => call(commands.listAdmins()),
  inbox: () => call(commands.listInbox()),
  integrations: (environmentId: number) => call(commands.listIntegrations(environmentId)),
  addIntegration: (environmentId: number, name: string, kind: IntegrationKind, dbRole: string | null) => call(commands.addIntegration(environmentId, name, kind, dbRole)),
  setIntegrationActive: (id: number, active: boolean) => call(commands.setIntegrationActive(id, active)),
  markInboxRead: () => call(commands.markInboxRead()),
  markNoticeRead: (id: number) => call(commands.markNoticeRead(id)),
  clearReadNotices: () => call(commands.clearReadNotices()),
  switchAdmin: (adminId: number) => call(commands.switchAdmin(adminId)),
  addAdmin: (name: string, role: Role) => call(commands.addAdmin(name, role)),
  definitions: (environmentId: number) => call(commands.environmentDefinitions(environmentId)),
  applyChange: (environmentId: number, change: Change, confirmed: boolean) =>
    call(commands.applyChange(environmentId, change, confirmed)),
  changelog: (environmentId: number, query: ChangelogQuery) => call(commands.changelog(environmentId, query)),
  recordPage: (environmentId: number, tableId: number, query: RecordQuery) =>
    call(commands.recordPage(environmentId, tableId, query)),
  insertRecord: (environmentId: number, tableId: number, cells: CellInput[]) =>
    call(commands.insertRecord(environmentId, tableId, cells)),
  updateRecord: (environmentId: number, tableId: number, recordId: number, cells: CellInput[]) =>
    call(commands.updateRecord(environmentId, tableId, recordId, cells)),
  deleteRecord: (environmentId: number, tableId: number, recordId: number) =>
    call(commands.deleteRecord(environmentId, tableId, recordId)),
  previewCsv: (environmentId: number, tableId: number, path: string) =>
    call(commands.previewCsv(environmentId, tableId, path)),
  startImport: (environmentId: number, tableId: number, path: string, fieldIds: (number | null)[], onEvent: (e: ImportEvent) => void) =>
    call(commands.startImport(environmentId, tableId, path, { fieldIds }, progressChannel(onEvent))),
  cancelImport: (importId: number) => call(commands.cancelImport(importId)),
  refreshPreview: (environmentId: number) => call(commands.refreshPreview(environmentId)),
  releaseCatalog: (accountId: number) => call(commands.releaseCatalog(accountId)),
  importRelease: (accountId: number, path: string) => call(commands.importRelease(accountId, path)),
  setVersionWindow: (accountId: number, size: number) => call(commands.setVersionWindow(accountId, size)),
  createAccount: (account: Parameters<typeof commands.createAccount>[0]) => call(commands.createAccount(account)),
  checkServer: (server: ServerChoice) => call(commands.checkServer(server)),
  unlockAccount: (accountId: number, password: string, remember: boolean) => call(commands.unlockAccount(accountId, password, remember)),
  changeAccountServer: (accountId: number, server: ServerChoice) => call(commands.changeAccountServer(accountId, server)),
  moveAccountEnvironments: (accountId: number, to: ServerChoice | null, onProgress: (p: MoveProgress) => void = () => undefined) =>
    call(commands.moveAccountEnvironments(accountId, to, progressChannel<MoveProgress>(onProgress))),
  timeZones: () => call(commands.timeZones()),
  addDemoAccount: () => call(commands.addDemoAccount()),
  editAccount: (accountId: number, edit: Parameters<typeof commands.editAccount>[1]) => call(commands.editAccount(accountId, edit)),
  accountDeletion: (accountId: number) => call(commands.accountDeletion(accountId)),
  deleteAccount: (accountId: number, typedName: string, onProgress: (p: CopyProgress) => void) =>
    call(commands.deleteAccount(accountId, typedName, progressChannel(onProgress))),
  storageView: () => call(commands.storageView()),
  purgeKept: (item: KeptItem) => call(commands.purgeKept(item)),
  restoreRetired: (file: string) => call(commands.restoreRetired(file)),
  setStorageRetention: (days: number) => call(commands.setStorageRetention(days)),
  exportEnvironment: (environmentId: number, path: string) => call(commands.exportEnvironment(environmentId, path)),
  previewSource: (path: string, onProgress: (p: SourceProgress) => void = () => undefined) =>
    call(commands.previewSource(path, progressChannel(onProgress))),
  startAccountFromSource: (
    account: Parameters<typeof commands.createAccount>[0],
    plan: SourcePlan,
    onEvent: (e: SourceEvent) => void,
  ) => call(commands.startAccountFromSource(account, plan, progressChannel(onEvent))),
  cancelSourceJob: () => call(commands.cancelSourceJob()),
  calendarDefaults: () => call(commands.calendarDefaults()),
  describePackage: (path: string) => call(commands.describePackage(path)),
  computerUserName: () => call(commands.computerUserName()),
  keyFingerprint: (publicKey: string) => call(commands.keyFingerprint(publicKey)),
  trustKey: (accountId: number, name: string, publicKey: string) => call(commands.trustKey(accountId, name, publicKey)),
  distrustKey: (accountId: number, keyId: number) => call(commands.distrustKey(accountId, keyId)),
  releaseNotes: (releaseId: number) => call(commands.releaseNotes(releaseId)),
  searchNotes: (accountId: number, text: string, offset = 0) => call(commands.searchNotes(accountId, text, offset)),
  cumulativeNotes: (environmentId: number, target: string) => call(commands.cumulativeNotes(environmentId, target)),
  setNoteReviewed: (noteId: number, reviewed: boolean) => call(commands.setNoteReviewed(noteId, reviewed)),
  exportCumulative: (environmentId: number, target: string, path: string) =>
    call(commands.exportCumulative(environmentId, target, path)),
  accountCalendar: (accountId: number) => call(commands.accountCalendar(accountId)),
  windowShifts: (accountId: number) => call(commands.windowShifts(accountId)),
  setAccountCalendar: (accountId: number, timeZone: string, settings: CalendarSettings) =>
    call(commands.setAccountCalendar(accountId, timeZone, settings)),
  scheduleUpgrade: (releaseId: number, date: string) => call(commands.scheduleUpgrade(releaseId, date)),
  cancelUpgrade: (planId: number) => call(commands.cancelUpgrade(planId)),
  scheduledUpgrades: (accountId: number) => call(commands.scheduledUpgrades(accountId)),
  calendarEvents: (accountId: number, from: string, to: string) => call(commands.calendarEvents(accountId, from, to)),
  exportCalendar: (accountId: number, from: string, to: string, path: string) =>
    call(commands.exportCalendar(accountId, from, to, path)),
  recipients: (accountId: number) => call(commands.listRecipients(accountId)),
  addContact: (accountId: number, name: string, email: string) => call(commands.addContact(accountId, name, email)),
  setRecipientCategory: (recipientId: number, category: Category, on: boolean) =>
    call(commands.setRecipientCategory(recipientId, category, on)),
  extensionCatalog: (accountId: number) => call(commands.extensionCatalog(accountId)),
  extensionOffers: (environmentId: number) => call(commands.extensionOffers(environmentId)),
  importExtension: (accountId: number, path: string) => call(commands.importExtension(accountId, path)),
  environmentExtensions: (environmentId: number) => call(commands.environmentExtensions(environmentId)),
  installExtension: (environmentId: number, extensionId: number) => call(commands.installExtension(environmentId, extensionId)),
  uninstallExtension: (environmentId: number, name: string) => call(commands.uninstallExtension(environmentId, name)),
  appNow: () => call(commands.appNow()),
  changelogActivity: (environmentId: number) => call(commands.changelogActivity(environmentId)),
  startAtLogin: () => call(commands.startAtLogin()),
  setStartAtLogin: (enabled: boolean) => call(commands.setStartAtLogin(enabled)),
  declineStartAtLogin: () => call(commands.declineStartAtLogin()),
  openUpgrade: (environmentId: number) => call(commands.openUpgrade(environmentId)),
  upgradeRun: (runId: number) => call(commands.upgradeRun(runId)),
  upgradeHistory: (environmentId: number) => call(commands.upgradeHistory(environmentId)),
  startUpgrade: (environmentId: number, target: string, beforeWaveConfirmed = false) => call(commands.startUpgrade(environmentId, target, beforeWaveConfirmed)),
  prepareUpgrade: (runId: number) => call(commands.prepareUpgrade(runId)),
  applyNextPackage: (runId: number) => call(commands.applyNextPackage(runId)),
  signOffPackage: (runId: number) => call(commands.signOffPackage(runId)),
  rollBackPackage: (runId: number) => call(commands.rollBackPackage(runId)),
  startDataUpgrade: (runId: number) => call(commands.startDataUpgrade(runId)),
  resumeUpgrade: (runId: number) => call(commands.resumeUpgrade(runId)),
  commitUpgrade: (runId: number) => call(commands.commitUpgrade(runId)),
  upgradeRollbackImpact: (runId: number) => call(commands.upgradeRollbackImpact(runId)),
  rollBackUpgrade: (runId: number) => call(commands.rollBackUpgrade(runId)),
  cancelUpgradeRun: (runId: number) => call(commands.cancelUpgradeRun(runId)),
  tickUpgradeAction: (runId: number, index: number, done: boolean) => call(commands.tickUpgradeAction(runId, index, done)),
  uatCycles: (accountId: number) => call(commands.uatCycles(accountId)),
  uatCycle: (cycleId: number) => call(commands.uatCycle(cycleId)),
  generateUatPlan: (cycleId: number) => call(commands.generateUatPlan(cycleId)),
  addUatCase: (cycleId: number, input: CaseInput) => call(commands.addUatCase(cycleId, input)),
  recordUatResult: (caseId: number, input: ResultInput) => call(commands.recordUatResult(caseId, input)),
  attachUatEvidence: (caseId: number, path: string) => call(commands.attachUatEvidence(caseId, path)),
  uatEvidenceImage: (evidenceId: number) => call(commands.uatEvidenceImage(evidenceId)),
  openUatEvidence: (evidenceId: number) => call(commands.openUatEvidence(evidenceId)),
  raiseUatIssue: (cycleId: number, input: IssueInput) => call(commands.raiseUatIssue(cycleId, input)),
  setUatIssueStatus: (issueId: number, status: IssueStatus) => call(commands.setUatIssueStatus(issueId, status)),
  decideUatIssue: (issueId: number, decision: IssueDecision) => call(commands.decideUatIssue(issueId, decision)),
  uatCheckIn: (cycleId: number, note: string) => call(commands.uatCheckIn(cycleId, note)),
  uatSignOff: (cycleId: number) => call(commands.uatSignOff(cycleId)),
  uatOverride: (cycleId: number, reason: string) => call(commands.uatOverride(cycleId, reason)),
  exportUatPack: (cycleId: number, folder: string) => call(commands.exportUatPack(cycleId, folder)),
  refreshEnvironment: (environmentId: number, onProgress: (p: CopyProgress) => void = () => undefined) =>
    call(commands.refreshEnvironment(environmentId, progressChannel(onProgress))),
};
