package metrics

// FuzzLabelValue: any text as a label value (it may come from the
// network) and as a docstring, and any float as a value. The exposition
// must pass the format's checks and read back as what was given: the
// label value itself if the CounterVec keeps it, "other" if not; the
// docstring with any invalid UTF-8 replaced by U+FFFD.
//
//	go test -run '^$' -fuzz FuzzLabelValue -fuzztime 1m -parallel 1 ./metrics/

import (
	"math"
	"strings"
	"testing"
)

func FuzzLabelValue(f *testing.F) {
	f.Add("srtp_auth", "Packets dropped.", 1.0)
	f.Add("Cannot find file:\n\"FILE.TXT\"", `C:\DIR\FILE.TXT`, 1.458255915e9)
	f.Add("", "", math.Inf(-1))
	f.Add("\xff", "\\n", math.NaN())
	f.Add(Other, "\"", -0.0)
	f.Fuzz(func(t *testing.T, value, help string, v float64) {
		r := NewRegistry()
		r.NewCounterVec("test_drops_total", help, "reason", 2).With(value).Inc()
		r.NewGauge("test_gauge", help).Set(v)
		text := string(r.AppendText(nil))
		x, err := checkExposition(text)
		if err != nil {
			t.Fatalf("%v\n%s", err, text)
		}
		if x.helps["test_drops_total"] != strings.ToValidUTF8(help, "\uFFFD") {
			t.Errorf("help %q reads back as %q", help, x.helps["test_drops_total"])
		}
		want := value
		if !validLabelValue(value) {
			want = Other
		}
		var got []string
		for _, k := range x.order {
			if l, ok := x.labels[k]["reason"]; ok {
				got = append(got, l)
			}
		}
		if len(got) != 1 || got[0] != want {
			t.Errorf("label value %q reads back as %q", value, got)
		}
		if g := x.samples["test_gauge"]; g != v && !(math.IsNaN(g) && math.IsNaN(v)) {
			t.Errorf("value %v reads back as %v", v, g)
		}
	})
}
