DROP TABLE IF EXISTS ext_timesheets;
