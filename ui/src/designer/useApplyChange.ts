import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Change, ChangeEntry, Environment } from "../bindings";
import { api, toAppError } from "../api";

// Applies a designer change. Production answers "unconfirmed" first; the
// caller then shows `needsConfirm` and calls `confirm()` to apply it there.
export function useApplyChange(env: Environment, onDone: (entry: ChangeEntry) => void) {
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<Change | null>(null);
  const mutation = useMutation({
    mutationFn: ({ change, confirmed }: { change: Change; confirmed: boolean }) => api.applyChange(env.id, change, confirmed),
    onSuccess: async (entry) => {
      setPending(null);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ["definitions", env.id] }),
        queryClient.invalidateQueries({ queryKey: ["records", env.id] }),
        queryClient.invalidateQueries({ queryKey: ["changelog", env.id] }),
        queryClient.invalidateQueries({ queryKey: ["overview"] }),
      ]);
      onDone(entry);
    },
    onError: (e, vars) => {
      if (toAppError(e).kind === "unconfirmed") setPending(vars.change);
    },
  });
  const needsConfirm = pending !== null && mutation.isError && toAppError(mutation.error).kind === "unconfirmed";
  return {
    apply: (change: Change) => mutation.mutate({ change, confirmed: false }),
    confirm: () => pending && mutation.mutate({ change: pending, confirmed: true }),
    busy: mutation.isPending,
    // An unconfirmed answer is a question, not an error: it is shown as the confirmation.
    error: mutation.isError && !needsConfirm ? mutation.error : null,
    needsConfirm,
    confirmMessage: needsConfirm ? toAppError(mutation.error).message : "",
  };
}
