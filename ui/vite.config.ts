import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The app loads ui/dist from inside the binary: no dev server, no remote
// content. Tests run in jsdom with Tauri's IPC mocked.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  build: { target: "safari16", outDir: "dist", emptyOutDir: true, sourcemap: false },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    restoreMocks: true,
  },
});
