package dtls

import "testing"

func TestReplayWindow(t *testing.T) {
	var w replayWindow
	accept := func(seq uint64) bool {
		if !w.check(seq) {
			return false
		}
		w.accept(seq)
		return true
	}
	for _, s := range []struct {
		seq  uint64
		want bool
		why  string
	}{
		{5, true, "fresh"},
		{5, false, "duplicate"},
		{3, true, "older but inside the window"},
		{3, false, "duplicate inside the window"},
		{6, true, "next"},
		{69, true, "far ahead: the window slides to 6..69"},
		{6, false, "seen, still at the left edge (diff 63)"},
		{5, false, "too old: diff 64"},
		{7, true, "unseen, inside the window"},
		{1000, true, "very far ahead: the bitmap resets"},
		{69, false, "too old now"},
		{999, true, "just behind"},
		{937, true, "left edge, unseen"},
		{936, false, "one past the left edge"},
	} {
		if got := accept(s.seq); got != s.want {
			t.Errorf("seq %d (%s): got %v", s.seq, s.why, got)
		}
	}
}

func TestReplayWindowCheckDoesNotAccept(t *testing.T) {
	var w replayWindow
	w.check(10) // a forged record that fails authentication must not move the window
	if !w.check(10) || !w.check(0) {
		t.Error("Check changed the window")
	}
}
