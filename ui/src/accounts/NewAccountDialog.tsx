import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from "react";
import { TimeZoneInput } from "../shared/TimeZoneInput";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { open } from "@tauri-apps/plugin-dialog";
import { api, AppError, toAppError } from "../api";
import type { CalendarSettings, SourcePlan, SourceProgress } from "../bindings";
import { useNotify } from "../feedback/Feedback";
import { ErrorBanner } from "../shared/ErrorBanner";
import { fieldProblem } from "../shared/FieldProblem";
import { Modal } from "../shared/Modal";
import { planMisfits, proposedPlan, SourcePreview } from "./SourcePreview";
import { NewAccountCalendar } from "./NewAccountCalendar";
import { NewAccountServer } from "./NewAccountServer";
import type { ServerChoice } from "../bindings";

type Props = { onClose: () => void; onNotice: (text: string) => void };

// Creating an account of one's own. Every rule is checked by the backend,
// which names every field in trouble at once; the form only gathers.
export function NewAccountDialog({ onClose, onNotice }: Props) {
  const zones = useQuery({ queryKey: ["time-zones"], queryFn: api.timeZones, staleTime: Infinity });
  const [name, setName] = useState("");
  const [platform, setPlatform] = useState("");
  const [platformVersion, setPlatformVersion] = useState("");
  const [timeZone, setTimeZone] = useState<string | null>(null);
  const [vendorName, setVendorName] = useState("");
  const [vendorKey, setVendorKey] = useState("");
  const [fileError, setFileError] = useState<string | null>(null);
  // Who sets up the first account names the desktop's unnamed first admin.
  const admins = useQuery({ queryKey: ["admins"], queryFn: api.admins });
  const computerUser = useQuery({ queryKey: ["computer-user"], queryFn: api.computerUserName, staleTime: Infinity, enabled: admins.data?.unnamed === true });
  const [yourName, setYourName] = useState<string | null>(null);
  const you = yourName ?? computerUser.data ?? "";
  const defaults = useQuery({ queryKey: ["calendar-defaults"], queryFn: api.calendarDefaults, staleTime: Infinity });
  const [calendar, setCalendar] = useState<CalendarSettings | null>(null);
  const [holidayError, setHolidayError] = useState<string | null>(null);
  const shownCalendar = calendar ?? defaults.data ?? null;
  const zone = timeZone ?? zones.data?.[0] ?? "";
  const key = vendorKey.trim();
  const fingerprint = useQuery({
    queryKey: ["key-fingerprint", key],
    queryFn: () => api.keyFingerprint(key),
    enabled: key.length > 0,
    retry: false,
  });
  const queryClient = useQueryClient();
  const [from, setFrom] = useState<"empty" | "sqlite" | "csv">("empty");
  const [server, setServer] = useState<ServerChoice | null>(null);
  const [sourcePath, setSourcePath] = useState("");
  const [plan, setPlan] = useState<SourcePlan | null>(null);
  const [progress, setProgress] = useState<SourceProgress | null>(null);
  const [making, setMaking] = useState(false);
  const [failure, setFailure] = useState<AppError | null>(null);
  const notify = useNotify();
  const [readProgress, setReadProgress] = useState<SourceProgress | null>(null);
  const read = useMutation({
    mutationFn: () => {
      setReadProgress(null);
      return api.previewSource(sourcePath.trim(), setReadProgress);
    },
    onSuccess: (p) => setPlan(proposedPlan(p)),
    onError: (e) => {
      // Stopped on request: it only read, so nothing to undo; say so calmly.
      if (toAppError(e).kind === "cancelled") {
        read.reset();
        notify(toAppError(e).message, { tone: "info" });
      }
    },
  });
  const stopReading = useMutation({ mutationFn: api.cancelSourceJob, onError: (e) => notify(toAppError(e).message, { tone: "warning" }) });
  const preview = read.data && plan && plan.path === read.data.path ? read.data : null;
  const account = () => ({ name, platform, platformVersion, timeZone: zone, vendorName, vendorKey, yourName: admins.data?.unnamed ? you : "", calendar: shownCalendar, server });
  const finished = async (text: string) => {
    await queryClient.invalidateQueries();
    onClose();
    onNotice(text);
  };
  const create = useMutation({
    mutationFn: async () => {
      setFailure(null);
      if (from === "empty") {
        await api.createAccount(account());
        await finished(`Created ${name.trim()}. Its production is empty: open it to build apps in the designer, or import records from CSV.`);
        return;
      }
      if (!preview || !plan) throw new AppError("invalid", "Read the source first, then check the preview.");
      setMaking(true);
      setProgress(null);
      try {
        await api.startAccountFromSource(account(), plan, (event) => {
          if (event.event === "progress") setProgress(event);
          else if (event.event === "created") {
            setMaking(false);
            void finished(`Created ${name.trim()} with production made from ${preview.path}. Copy UAT and sandboxes from it as usual.`);
          } else {
            setMaking(false);
            setFailure(toAppError(event.error));
          }
        });
      } catch (e) {
        setMaking(false);
        throw e;
      }
    },
  });
  // The backend's refusal of the form, each problem at its field.
  const at = (field: string) => fieldProblem(create.error ?? failure, field, "new-account");
  const cancel = useMutation({ mutationFn: api.cancelSourceJob, onError: (e) => setFailure(toAppError(e)) });
  const browse = async () => {
    try {
      const chosen =
        from === "csv"
          ? await open({ multiple: false, directory: true })
          : await open({ multiple: false, directory: false, filters: [{ name: "SQLite database", extensions: ["sqlite", "sqlite3", "db", "db3"] }, { name: "Any file", extensions: ["*"] }] });
      if (typeof chosen === "string") setSourcePath(chosen);
    } catch (e) {
      setFailure(toAppError(e));
    }
  };
  const [packagePath, setPackagePath] = useState("");
  const described = useMutation({
    mutationFn: () => api.describePackage(packagePath.trim()),
    onSuccess: (facts) => setPlatform(facts.platform),
  });
  const browsePackage = async () => {
    try {
      const chosen = await open({ multiple: false, directory: false, filters: [{ name: "Release package", extensions: ["zip"] }] });
      if (typeof chosen === "string") setPackagePath(chosen);
    } catch (e) {
      setFailure(toAppError(e));
    }
  };
  const busy = create.isPending || making;
  const misfits = preview && plan ? planMisfits(preview, plan) : 0;
  // A refusal lists every field in trouble; it is brought into view, since
  // the form is taller than a small window.
  const errorRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (create.isError || failure) errorRef.current?.scrollIntoView({ block: "nearest" });
  }, [create.isError, create.error, failure]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const readKeyFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    setFileError(null);
    if (!file) return;
    if (file.size > 4096) {
      setFileError(`${file.name} is ${file.size} bytes: a public key file is under 100 bytes. Choose the vendor's .pub file.`);
      return;
    }
    file.text().then(setVendorKey, (err: unknown) => setFileError(`Could not read ${file.name}: ${String(err)}`));
  };
  return (
    <Modal title="New account" onClose={onClose} busy={busy} wide={preview !== null}>
      <form onSubmit={submit} className="form" data-testid="new-account-form">
        <p className="muted">
          An account for your own platform. Production starts empty (build it in the designer, fill it by CSV import) or is
          made from a SQLite database or a folder of CSV files you already have; UAT and sandboxes are copied from it. The vendor's key lets you import
          its release packages.
        </p>
        {admins.data?.unnamed && (
          <>
            <label className={at("yourName").message ? "has-problem" : undefined}>
              Your name
              <input value={you} onChange={(e) => setYourName(e.target.value)} maxLength={200} placeholder="as your colleagues know you" data-testid="account-your-name" {...at("yourName").attrs} />
              {at("yourName").note}
            </label>
            <p className="hint">Everything you do in Cutover is recorded under this name. Add other admins later from the Acting as menu.</p>
          </>
        )}
        <label className={at("name").message ? "has-problem" : undefined}>
          Account name
          <input autoFocus value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Contoso Finance" maxLength={200} data-testid="account-name" {...at("name").attrs} />
          {at("name").note}
        </label>
        <label className={at("platform").message ? "has-problem" : undefined}>
          Platform
          <input value={platform} onChange={(e) => setPlatform(e.target.value)} placeholder="as the vendor's release notes name it" maxLength={200} data-testid="account-platform" {...at("platform").attrs} />
          {at("platform").note}
        </label>
        <div className="file-row">
          <label>
            Or read the platform's name from a release package
            <input value={packagePath} onChange={(e) => setPackagePath(e.target.value)} placeholder="/home/you/vendor-10.0.4.zip" disabled={busy} data-testid="package-path" />
          </label>
          <button type="button" className="secondary" onClick={browsePackage} disabled={busy}>
            Browse…
          </button>
          <button type="button" className="secondary" onClick={() => described.mutate()} disabled={!packagePath.trim() || busy || described.isPending} data-testid="package-read">
            Read
          </button>
        </div>
        {described.isError && <ErrorBanner error={described.error} />}
        {described.data && (
          <p className="hint" data-testid="package-facts">
            {described.data.platform} {described.data.version} (upgrades from {described.data.upgradesFrom.join(", ") || "—"}), signed by key{" "}
            {described.data.signerFingerprint}: compare it with the fingerprint your vendor publishes. Nothing is imported yet.
          </p>
        )}
        <label className={at("platformVersion").message ? "has-problem" : undefined}>
          Platform version production runs
          <input value={platformVersion} onChange={(e) => setPlatformVersion(e.target.value)} placeholder="e.g. 10.0.1" maxLength={60} data-testid="account-version" {...at("platformVersion").attrs} />
          {at("platformVersion").note}
        </label>
        <label className={at("timeZone").message ? "has-problem" : undefined}>
          Time zone
          <TimeZoneInput value={zone} onChange={setTimeZone} testid="account-time-zone" />
          {at("timeZone").note}
        </label>
        {zones.isError && <ErrorBanner error={zones.error} />}
        <p className="hint">Maintenance windows, reminders and the calendar use this zone.</p>
        <label className={at("vendorName").message ? "has-problem" : undefined}>
          Signing key belongs to
          <input value={vendorName} onChange={(e) => setVendorName(e.target.value)} placeholder="the vendor's name" maxLength={200} data-testid="account-vendor" {...at("vendorName").attrs} />
          {at("vendorName").note}
        </label>
        <label className={at("vendorKey").message ? "has-problem" : undefined}>
          Vendor's public key
          <textarea value={vendorKey} onChange={(e) => setVendorKey(e.target.value)} rows={2} placeholder="paste it, or choose the vendor's .pub file below" data-testid="account-key" {...at("vendorKey").attrs} />
          {at("vendorKey").note}
        </label>
        {key.length > 0 && (
          <p className={fingerprint.isError ? "hint error" : "hint"} data-testid="account-key-fingerprint">
            {fingerprint.isSuccess
              ? `Fingerprint ${fingerprint.data}: compare it with the one the vendor publishes before you trust the key.`
              : fingerprint.isError
                ? toAppError(fingerprint.error).message
                : "Reading the key…"}
          </p>
        )}
        <label>
          Or read it from the vendor's .pub file
          <input type="file" accept=".pub,text/plain" onChange={readKeyFile} data-testid="account-key-file" />
        </label>
        {fileError && <p className="hint error" role="alert">{fileError}</p>}
        {shownCalendar && <NewAccountCalendar value={shownCalendar} onChange={setCalendar} onHolidayError={setHolidayError} disabled={busy} />}
        {at("calendar").note}
        {holidayError && (
          <p className="hint error" role="alert" data-testid="account-holiday-error">
            {holidayError}
          </p>
        )}
        <NewAccountServer value={server} onChange={setServer} disabled={busy} problem={at("server")} />
        <fieldset className="choices" disabled={busy}>
          <legend>Production starts</legend>
          <label className="check">
            <input type="radio" name="production-from" checked={from === "empty"} onChange={() => setFrom("empty")} data-testid="production-empty" />
            Empty
          </label>
          <label className="check">
            <input type="radio" name="production-from" checked={from === "sqlite"} onChange={() => setFrom("sqlite")} data-testid="production-sqlite" />
            From a SQLite database (its tables, fields and records)
          </label>
          <label className="check">
            <input type="radio" name="production-from" checked={from === "csv"} onChange={() => setFrom("csv")} data-testid="production-csv" />
            From a folder of CSV files (one table per file)
          </label>
        </fieldset>
        {from !== "empty" && (
          <>
            <div className="file-row">
              <label>
                {from === "csv" ? "Folder of CSV files (the first line of each names its columns)" : "Database file"}
                <input
                  value={sourcePath}
                  onChange={(e) => setSourcePath(e.target.value)}
                  placeholder={from === "csv" ? "/home/you/export" : "/home/you/data.sqlite"}
                  disabled={busy}
                  data-testid="source-path"
                />
              </label>
              <button type="button" className="secondary" onClick={browse} disabled={busy}>
                Browse…
              </button>
              <button type="button" className="secondary" onClick={() => read.mutate()} disabled={!sourcePath.trim() || busy || read.isPending} data-testid="source-read">
                {read.isPending ? "Reading…" : from === "csv" ? "Read files" : "Read database"}
              </button>
            </div>
            {read.isPending && (
              <div className="progress" role="status" data-testid="source-read-progress">
                <progress max={readProgress?.totalRows || 1} value={readProgress?.doneRows ?? 0} aria-label="Rows read so far" />
                <span>
                  {readProgress && readProgress.totalRows > 0
                    ? `Read ${readProgress.doneRows.toLocaleString()} of ${readProgress.totalRows.toLocaleString()} rows to see what fits`
                    : "Opening the source…"}
                </span>
                <button type="button" className="secondary" onClick={() => stopReading.mutate()} disabled={stopReading.isPending} data-testid="source-read-cancel">
                  {stopReading.isPending ? "Cancelling…" : "Cancel"}
                </button>
              </div>
            )}
            {read.isError && <ErrorBanner error={read.error} />}
            {preview && plan && <SourcePreview preview={preview} plan={plan} onChange={setPlan} disabled={busy} />}
            {misfits > 0 && (
              <p className="hint error" data-testid="source-misfits">
                {misfits.toLocaleString()} values do not fit the types chosen: change those columns' types or leave them out. Nothing is created while a value does not fit.
              </p>
            )}
          </>
        )}
        {making && (
          <div className="progress" role="status" data-testid="source-progress">
            <span>
              {progress ? `${progress.doneRows.toLocaleString()} of ${progress.totalRows.toLocaleString()} records` : "Checking the database…"}
            </span>
            <progress max={progress?.totalRows || 1} value={progress?.doneRows ?? 0} />
            <button type="button" className="secondary" onClick={() => cancel.mutate()} disabled={cancel.isPending} data-testid="source-cancel">
              Cancel
            </button>
          </div>
        )}
        <div ref={errorRef}>
          {create.isError && <ErrorBanner error={create.error} listFields />}
          {failure && <ErrorBanner error={failure} onDismiss={() => setFailure(null)} listFields />}
        </div>
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose} disabled={busy}>
            Close
          </button>
          <button
            type="submit"
            className="primary"
            disabled={busy || holidayError !== null || (from !== "empty" && (!preview || misfits > 0))}
            title={from !== "empty" && !preview ? "Read the source first" : misfits > 0 ? "Some values do not fit the types chosen" : undefined}
            data-testid="create-account-submit"
          >
            {busy ? "Creating…" : "Create account"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
