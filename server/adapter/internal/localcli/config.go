package localcli

import "fmt"

// Config reads typed keys of a JSON-decoded adapterConfig. The first key of the wrong
// type is kept as Err, naming the key, so a broken config fails the run clearly
// instead of running a silently different command line.
type Config struct {
	m   map[string]any
	Err error
}

// NewConfig reads cfg.
func NewConfig(cfg map[string]any) *Config { return &Config{m: cfg} }

// lookup is the first present, non-null key of names.
func (c *Config) lookup(names []string) (string, any, bool) {
	for _, k := range names {
		if v, ok := c.m[k]; ok && v != nil {
			return k, v, true
		}
	}
	return "", nil, false
}

func (c *Config) fail(format string, key string) {
	if c.Err == nil {
		c.Err = fmt.Errorf(format, key)
	}
}

// String sets *dst from the first present key of names (later names are aliases).
func (c *Config) String(dst *string, names ...string) {
	if k, v, ok := c.lookup(names); ok {
		if s, isStr := v.(string); isStr {
			*dst = s
		} else {
			c.fail("adapterConfig.%s must be a string", k)
		}
	}
}

// Bool sets *dst from the first present key of names.
func (c *Config) Bool(dst *bool, names ...string) {
	if k, v, ok := c.lookup(names); ok {
		if b, isBool := v.(bool); isBool {
			*dst = b
		} else {
			c.fail("adapterConfig.%s must be a boolean", k)
		}
	}
}

// Int sets *dst from the first present key of names holding a whole number: the
// float64 encoding/json produces, or an int of a config built in Go.
func (c *Config) Int(dst *int, names ...string) {
	k, v, ok := c.lookup(names)
	if !ok {
		return
	}
	switch n := v.(type) {
	case float64:
		if n == float64(int(n)) {
			*dst = int(n)
			return
		}
	case int:
		*dst = n
		return
	case int64:
		*dst = int(n)
		return
	}
	c.fail("adapterConfig.%s must be a whole number", k)
}

// Strings sets *dst from the first present key of names holding a list of strings.
func (c *Config) Strings(dst *[]string, names ...string) {
	k, v, ok := c.lookup(names)
	if !ok {
		return
	}
	switch l := v.(type) {
	case []string:
		*dst = append([]string(nil), l...)
		return
	case []any:
		out := make([]string, 0, len(l))
		for _, e := range l {
			s, isStr := e.(string)
			if !isStr {
				c.fail("adapterConfig.%s must be a list of strings", k)
				return
			}
			out = append(out, s)
		}
		*dst = out
		return
	}
	c.fail("adapterConfig.%s must be a list of strings", k)
}
