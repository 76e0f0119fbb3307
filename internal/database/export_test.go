package database

import "ariga.io/atlas/sql/migrate"

// UseMigrations makes Migrate apply dir instead of migrations/, so that a
// test can stand for a release whose files are not those of today.
func (d *DB) UseMigrations(dir migrate.Dir) { d.migrations = dir }
