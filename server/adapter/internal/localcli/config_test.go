package localcli

import (
	"slices"
	"testing"
)

func TestConfigReadsTypedKeysAndNamesTheFirstBadOne(t *testing.T) {
	c := NewConfig(map[string]any{"a": "x", "alias": true, "n": float64(3), "l": []any{"p", "q"}, "nil": nil})
	var s string
	var b bool
	var n int
	var l []string
	c.String(&s, "a")
	c.Bool(&b, "missing", "alias")
	c.Int(&n, "n")
	c.Strings(&l, "l")
	c.String(&s, "nil") // null is absent, the value stays
	if c.Err != nil || s != "x" || !b || n != 3 || !slices.Equal(l, []string{"p", "q"}) {
		t.Fatalf("%v %q %v %d %v", c.Err, s, b, n, l)
	}
	for _, tc := range []struct {
		cfg  map[string]any
		read func(*Config)
		want string
	}{
		{map[string]any{"k": 1.5}, func(c *Config) { c.Int(&n, "k") }, "adapterConfig.k must be a whole number"},
		{map[string]any{"k": 1}, func(c *Config) { c.String(&s, "k") }, "adapterConfig.k must be a string"},
		{map[string]any{"k": "y"}, func(c *Config) { c.Bool(&b, "k") }, "adapterConfig.k must be a boolean"},
		{map[string]any{"k": []any{1}}, func(c *Config) { c.Strings(&l, "k") }, "adapterConfig.k must be a list of strings"},
	} {
		c := NewConfig(tc.cfg)
		tc.read(c)
		c.String(&s, "other") // a later read keeps the first error
		if c.Err == nil || c.Err.Error() != tc.want {
			t.Errorf("%v: %v", tc.cfg, c.Err)
		}
	}
}
