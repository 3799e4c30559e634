package store

import "strings"

// conds accumulates the WHERE clauses of a filtered list query with their arguments,
// so optional filters stay placeholder-only and read one per line.
type conds struct {
	clauses []string
	args    []any
}

// add appends a clause with its arguments.
func (c *conds) add(clause string, args ...any) {
	c.clauses = append(c.clauses, clause)
	c.args = append(c.args, args...)
}

// eq adds "col = ?" unless v is empty (an absent filter).
func (c *conds) eq(col, v string) {
	if v != "" {
		c.add(col+" = ?", v)
	}
}

// since and until bound a timestamp column when the bound is given.
func (c *conds) since(col, from string) {
	if from != "" {
		c.add(col+" >= ?", from)
	}
}

func (c *conds) until(col, to string) {
	if to != "" {
		c.add(col+" <= ?", to)
	}
}

// sql renders the clauses joined with AND ("1 = 1" when there are none).
func (c *conds) sql() string {
	if len(c.clauses) == 0 {
		return "1 = 1"
	}
	return strings.Join(c.clauses, " AND ")
}
