import { useQuery } from "@tanstack/react-query";
import { api } from "../api";

/** The app clock's offset from this machine's, so countdowns on screen use
 * the same "now" as the backend's rules (shifted in end-to-end tests). */
export function useAppNowOffset(): number {
  const appNow = useQuery({ queryKey: ["app-now"], queryFn: api.appNow, refetchInterval: 30000 });
  return appNow.data ? new Date(appNow.data).getTime() - appNow.dataUpdatedAt : 0;
}
