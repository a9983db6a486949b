package rtp

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		from, to uint16
		want     int
	}{
		{1, 2, 1}, {2, 1, -1}, {65535, 1, 2}, {1, 65535, -2}, {0, 32767, 32767}, {0, 32768, -32768}, {7, 7, 0},
	} {
		if got := Distance(c.from, c.to); got != c.want {
			t.Errorf("Distance(%d, %d) = %d, want %d", c.from, c.to, got, c.want)
		}
	}
}

// TestUnwrapper follows RFC 3550 §6.4.1's extended sequence number across
// wraps, forward and back.
func TestUnwrapper(t *testing.T) {
	var u Unwrapper
	if _, ok := u.Highest(); ok {
		t.Error("Highest before any number")
	}
	for _, c := range []struct {
		seq  uint16
		want int64
	}{
		{65533, 65533},
		{65535, 65535},
		{65534, 65534}, // late
		{1, 65537},     // wrapped: cycle 1
		{0, 65536},     // late, after the wrap
		{65535, 65535}, // late, from before the wrap
		{2, 65538},
		{32769, 98305},  // 32767 ahead: still ahead
		{2, 65538},      // 32767 behind: late
		{32770, 98306},  //
		{65535, 131071}, //
		{0, 131072},     // cycle 2
	} {
		if got := u.Unwrap(c.seq); got != c.want {
			t.Errorf("Unwrap(%d) = %d, want %d", c.seq, got, c.want)
		}
	}
	if h, _ := u.Highest(); h != 131072 {
		t.Errorf("Highest = %d", h)
	}
	var v Unwrapper
	v.Unwrap(1)
	if got := v.Unwrap(65535); got != -1 {
		t.Errorf("late packet before a wrap at the start: %d, want -1", got)
	}
}
