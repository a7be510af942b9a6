DROP TABLE IF EXISTS ext_export_runs;
