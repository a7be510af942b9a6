import { useId } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api";

// A time zone, typed and searched among the IANA names the backend knows
// (the computer's own first); the backend checks the name on save.
export function TimeZoneInput({ value, onChange, testid }: { value: string; onChange: (zone: string) => void; testid: string }) {
  const zones = useQuery({ queryKey: ["time-zones"], queryFn: api.timeZones, staleTime: Infinity });
  const list = useId();
  return (
    <>
      <input
        list={list}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={zones.isPending ? "Loading time zones…" : "Type to search, e.g. Europe/London"}
        data-testid={testid}
      />
      <datalist id={list}>
        {(zones.data ?? []).map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
    </>
  );
}
