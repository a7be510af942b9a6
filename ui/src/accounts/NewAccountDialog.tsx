import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, toAppError } from "../api";
import { ErrorBanner } from "../shared/ErrorBanner";
import { Modal } from "../shared/Modal";

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
  const zone = timeZone ?? zones.data?.[0] ?? "";
  const key = vendorKey.trim();
  const fingerprint = useQuery({
    queryKey: ["key-fingerprint", key],
    queryFn: () => api.keyFingerprint(key),
    enabled: key.length > 0,
    retry: false,
  });
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: () => api.createAccount({ name, platform, platformVersion, timeZone: zone, vendorName, vendorKey }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["overview"] });
      onClose();
      onNotice(`Created ${name.trim()}. Its production is empty: open it to build apps in the designer, or import records from CSV.`);
    },
  });
  // A refusal lists every field in trouble; it is brought into view, since
  // the form is taller than a small window.
  const errorRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (create.isError) errorRef.current?.scrollIntoView({ block: "nearest" });
  }, [create.isError, create.error]);
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
    <Modal title="New account" onClose={onClose} busy={create.isPending}>
      <form onSubmit={submit} className="form" data-testid="new-account-form">
        <p className="muted">
          An account for your own platform. Production starts empty: build it in the designer and fill it by CSV import, then
          copy UAT and sandboxes from it. The vendor's key lets you import its release packages.
        </p>
        <label>
          Account name
          <input autoFocus value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Contoso Finance" maxLength={200} data-testid="account-name" />
        </label>
        <label>
          Platform
          <input value={platform} onChange={(e) => setPlatform(e.target.value)} placeholder="as the vendor's release notes name it" maxLength={200} data-testid="account-platform" />
        </label>
        <label>
          Platform version production runs
          <input value={platformVersion} onChange={(e) => setPlatformVersion(e.target.value)} placeholder="e.g. 10.0.1" maxLength={60} data-testid="account-version" />
        </label>
        <label>
          Time zone
          <input
            list="time-zone-list"
            value={zone}
            onChange={(e) => setTimeZone(e.target.value)}
            placeholder={zones.isPending ? "Loading time zones…" : "Type to search, e.g. Europe/London"}
            data-testid="account-time-zone"
          />
          <datalist id="time-zone-list">
            {(zones.data ?? []).map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </label>
        {zones.isError && <ErrorBanner error={zones.error} />}
        <p className="hint">Maintenance windows, reminders and the calendar use this zone. Business days, holidays and windows are set in the Calendar afterwards.</p>
        <label>
          Signing key belongs to
          <input value={vendorName} onChange={(e) => setVendorName(e.target.value)} placeholder="the vendor's name" maxLength={200} data-testid="account-vendor" />
        </label>
        <label>
          Vendor's public key
          <textarea value={vendorKey} onChange={(e) => setVendorKey(e.target.value)} rows={2} placeholder="paste it, or choose the vendor's .pub file below" data-testid="account-key" />
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
        <div ref={errorRef}>{create.isError && <ErrorBanner error={create.error} />}</div>
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose} disabled={create.isPending}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={create.isPending} data-testid="create-account-submit">
            {create.isPending ? "Creating…" : "Create account"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
