package storetest

import (
	"database/sql"
	"testing"

	"paperclip/store"
)

// Helpers for tests about database files rather than an open store: backups, restores
// and migrations made by the CLI or the server's backup loop.

// AddCompany opens the store at dbPath (creating and migrating it when new), adds a
// company named name as the board and closes the store again.
func AddCompany(t testing.TB, dbPath, name string) {
	t.Helper()
	st, err := store.Open(Board(), dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.CreateCompany(Board(), store.CompanyInput{Name: store.Some(name)}); err != nil {
		t.Fatal(err)
	}
}

// CompanyNames lists, sorted, the company names in the database file at dbPath. It
// reads the file directly, without opening a store, so it neither migrates nor locks a
// copy under test.
func CompanyNames(t testing.TB, dbPath string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM companies ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

// BackupNames lists the file names of the backups in dir whose names start with
// prefix, in store.ListBackups order.
func BackupNames(t testing.TB, dir, prefix string) []string {
	t.Helper()
	files, err := store.ListBackups(dir, prefix)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		out = append(out, f.Name)
	}
	return out
}
