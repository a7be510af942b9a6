import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api";
import { ErrorBanner } from "../shared/ErrorBanner";

// How many manual backups each environment keeps. Backups taken before a
// destructive operation are never pruned by it.
export function RetentionSetting() {
  const queryClient = useQueryClient();
  const retention = useQuery({ queryKey: ["backup-retention"], queryFn: api.backupRetention });
  const [draft, setDraft] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () => api.setBackupRetention(Number(draft)),
    onSuccess: async () => {
      setDraft(null);
      await queryClient.invalidateQueries({ queryKey: ["backup-retention"] });
    },
  });
  if (!retention.isSuccess) return retention.isError ? <ErrorBanner error={retention.error} /> : null;
  const value = draft ?? String(retention.data);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="retention" onSubmit={submit}>
      <label>
        Keep the newest
        <input type="number" inputMode="numeric" value={value} onChange={(e) => setDraft(e.target.value)} data-testid="retention-input" />
        manual backups per environment
      </label>
      {draft !== null && draft !== String(retention.data) && (
        <button type="submit" className="secondary" disabled={save.isPending} data-testid="retention-save">
          Save
        </button>
      )}
      {save.isError && <ErrorBanner error={save.error} onDismiss={() => save.reset()} />}
    </form>
  );
}
