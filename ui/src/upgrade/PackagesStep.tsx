import type { UpgradeRun } from "../bindings";
import { api } from "../api";
import { PACKAGE_LABELS, duration } from "./labels";

type Props = { run: UpgradeRun; act: (f: () => Promise<unknown>) => void; pending: boolean };

// Step 3: the packages on the copy, one at a time, each signed off before
// the next; the last one applied can be rolled back alone.
export function PackagesStep({ run, act, pending }: Props) {
  const open = run.state === "packages";
  const awaiting = run.packages.find((p) => p.state === "applied");
  const next = run.packages.find((p) => p.state === "pending" || p.state === "missing");
  const last = [...run.packages].reverse().find((p) => p.state === "applied" || p.state === "signed_off");
  return (
    <>
      <h4>Packages on the copy</h4>
      {/* Fixed widths: the columns stay put as packages are applied and signed off. */}
      <table className="grid packages" data-testid="upgrade-packages">
        <thead>
          <tr>
            <th className="col-package">Package</th>
            <th className="col-state">State</th>
            <th className="col-rehearsal num">Rehearsal</th>
            <th className="col-signed">Signed off</th>
          </tr>
        </thead>
        <tbody>
          {run.packages.map((p, i) => (
            <tr key={i} data-testid="upgrade-package" data-state={p.state}>
              <td className="strong">{p.label}</td>
              <td className={p.state === "missing" ? "danger-text" : ""}>{PACKAGE_LABELS[p.state]}</td>
              <td className="num">{p.appliedMs === null ? "" : duration(p.appliedMs)}</td>
              <td>{p.signedOffBy ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && (
        <div className="actions">
          {awaiting ? (
            <button type="button" className="primary" disabled={pending} onClick={() => act(() => api.signOffPackage(run.id))} data-testid="sign-off-package">
              Sign off {awaiting.label}
            </button>
          ) : (
            next && (
              <button type="button" className="primary" disabled={pending} onClick={() => act(() => api.applyNextPackage(run.id))} data-testid="apply-next-package">
                Apply {next.label}
              </button>
            )
          )}
          {last && (
            <button type="button" disabled={pending} onClick={() => act(() => api.rollBackPackage(run.id))} data-testid="roll-back-package">
              Roll back {last.label}
            </button>
          )}
        </div>
      )}
    </>
  );
}
