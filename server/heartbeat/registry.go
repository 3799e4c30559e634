package heartbeat

// Registry is the set of installed adapters, built once by the composition root and
// passed to whoever needs it (the HTTP handlers, the runner); there is no global one.
type Registry struct {
	byType map[string]Adapter
	order  []string
}

// NewRegistry registers adapters in display order; a later adapter of the same type
// replaces an earlier one (tests swap in fakes that way).
func NewRegistry(adapters ...Adapter) *Registry {
	r := &Registry{byType: map[string]Adapter{}}
	for _, a := range adapters {
		if _, dup := r.byType[a.Type()]; !dup {
			r.order = append(r.order, a.Type())
		}
		r.byType[a.Type()] = a
	}
	return r
}

// Get returns the adapter of a type.
func (r *Registry) Get(adapterType string) (Adapter, bool) {
	a, ok := r.byType[adapterType]
	return a, ok
}

// Types lists the registered adapter types in registration order.
func (r *Registry) Types() []string { return append([]string(nil), r.order...) }
