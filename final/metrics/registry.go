package metrics

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// ContentType is the HTTP Content-Type of the text format, version 0.0.4.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// family is one registered metric: the lines of its group.
type family struct {
	name string
	help string
	typ  string // counter, gauge or histogram
	// samples appends the sample lines, or none at all, in which case the
	// whole group, HELP and TYPE included, is left out.
	samples func(b []byte, name string) []byte
}

// Registry holds metrics and writes them, in the order they were
// registered. It is safe for concurrent use: a scrape may run while
// metrics are being registered or updated.
type Registry struct {
	mu       sync.Mutex
	families []*family
	names    map[string]string // every sample name in use → the family that uses it
}

// NewRegistry returns an empty Registry.
func NewRegistry() *Registry {
	return &Registry{names: make(map[string]string)}
}

// register adds a family whose samples use the names name+suffix for
// each suffix. It panics on a bad or taken name: registration is done by
// the program at start-up, and a clash is a bug to fix, not to handle.
func (r *Registry) register(f *family, suffixes ...string) {
	if !validName(f.name) {
		// invariant: names, labels and buckets are constants of the program, registered at start; nothing from the network reaches here
		panic(fmt.Sprintf("metrics: %q is not a valid metric name", f.name))
	}
	// The format is UTF-8; a docstring that is not would make the whole
	// scrape unreadable.
	f.help = strings.ToValidUTF8(f.help, "\uFFFD")
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(suffixes) == 0 {
		suffixes = []string{""}
	}
	for _, s := range suffixes {
		if other, ok := r.names[f.name+s]; ok {
			// invariant: names, labels and buckets are constants of the program, registered at start; nothing from the network reaches here
			panic(fmt.Sprintf("metrics: %s is already registered (by %s)", f.name+s, other))
		}
	}
	// A histogram x and a metric named x: both would claim "# TYPE x".
	if other, ok := r.names[f.name]; ok {
		// invariant: names, labels and buckets are constants of the program, registered at start; nothing from the network reaches here
		panic(fmt.Sprintf("metrics: %s is already registered (by %s)", f.name, other))
	}
	r.names[f.name] = f.name
	for _, s := range suffixes {
		r.names[f.name+s] = f.name
	}
	r.families = append(r.families, f)
}

// AppendText appends the text format of every metric to b.
func (r *Registry) AppendText(b []byte) []byte {
	r.mu.Lock()
	fams := r.families[:len(r.families):len(r.families)]
	r.mu.Unlock()
	for _, f := range fams {
		start := len(b)
		b = append(b, "# HELP "...)
		b = append(b, f.name...)
		b = append(b, ' ')
		b = appendHelp(b, f.help)
		b = append(b, "\n# TYPE "...)
		b = append(b, f.name...)
		b = append(b, ' ')
		b = append(b, f.typ...)
		b = append(b, '\n')
		header := len(b)
		b = f.samples(b, f.name)
		if len(b) == header {
			b = b[:start] // no samples: no group
		}
	}
	return b
}

// WriteTo writes the text format of every metric to w in one Write.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(r.AppendText(nil))
	return int64(n), err
}

// ServeHTTP answers a scrape: GET or HEAD, the text format, not cached.
// A Registry is the handler of /metrics: mux.Handle("/metrics", reg).
func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	b := r.AppendText(nil)
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", fmt.Sprint(len(b)))
	w.Write(b)
}
