// A chart drawn by Chart.js (only the parts used are registered, so the
// bundle carries no more). The canvas is an image to assistive technology,
// labelled with the same figures in words; colours of text and grid come
// from the page, so a theme switch redraws it.
import { useEffect, useRef, useState } from "react";
import { BarController, BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from "chart.js";
import { describe, type ChartData } from "./series";

ChartJS.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

// Mid-tone hues that read on the light and the dark background alike.
const PALETTE = ["#3b82f6", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#14b8a6", "#ec4899", "#84cc16"];

export type Kind = "bars" | "stacked" | "lines-two-axes";

/** Redraws when the theme changes: the admin's pick or the system's. */
function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    const observer = new MutationObserver(bump);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    const media = window.matchMedia?.("(prefers-color-scheme: dark)");
    media?.addEventListener?.("change", bump);
    return () => (observer.disconnect(), media?.removeEventListener?.("change", bump));
  }, []);
  return version;
}

function config(kind: Kind, data: ChartData, ink: string, grid: string): ChartConfiguration {
  const axis = { ticks: { color: ink }, grid: { color: grid } };
  if (kind === "lines-two-axes") {
    return {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.series.map((s, i) => ({ label: s.label, data: s.values, borderColor: PALETTE[i], backgroundColor: PALETTE[i], yAxisID: i === 0 ? "y" : "y1", spanGaps: true })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { labels: { color: ink } } },
        scales: {
          x: axis,
          y: { ...axis, beginAtZero: true, position: "left", title: { display: true, text: data.series[0]?.label, color: ink } },
          y1: { ...axis, beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: data.series[1]?.label, color: ink } },
        },
      },
    };
  }
  const stacked = kind === "stacked";
  return {
    type: "bar",
    data: { labels: data.labels, datasets: data.series.map((s, i) => ({ label: s.label, data: s.values, backgroundColor: PALETTE[i % PALETTE.length] })) },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { labels: { color: ink } } },
      scales: { x: { ...axis, stacked }, y: { ...axis, stacked, beginAtZero: true, ticks: { color: ink, precision: 0 } } },
    },
  };
}

export function Chart({ kind, data, title, testid }: { kind: Kind; data: ChartData; title: string; testid: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const theme = useThemeVersion();
  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext?.("2d");
    if (!el || !ctx) return;
    // Resolved colours of the chart's box (the style sheet's variables).
    const style = getComputedStyle(el.parentElement ?? el);
    const chart = new ChartJS(ctx, config(kind, data, style.color, style.borderTopColor));
    return () => chart.destroy();
  }, [kind, data, theme]);
  return (
    <figure className="chart" data-testid={testid} data-points={data.labels.length}>
      <figcaption>{title}</figcaption>
      <div className="chart-box">
        <canvas ref={canvas} role="img" aria-label={`${title}. ${describe(data)}`} />
      </div>
    </figure>
  );
}
