package signaling

import (
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"nutsandbolts/final/config"
	"nutsandbolts/final/logging"
	"nutsandbolts/final/sdp"
)

// keyframeMedia is fakeMedia with the page's "request a keyframe" button.
type keyframeMedia struct {
	*fakeMedia
	asked chan string // the sessions whose page asked, one entry per call
	fail  error       // returned by Keyframe
}

func (m *keyframeMedia) Keyframe(s *Session) error {
	m.asked <- s.ID
	return m.fail
}

// newKeyframeHarness is newHarness with a Media that takes keyframe requests.
func newKeyframeHarness(t *testing.T) (*harness, *keyframeMedia) {
	t.Helper()
	h := &harness{media: &fakeMedia{answered: make(chan *Session, 10)}}
	m := &keyframeMedia{fakeMedia: h.media, asked: make(chan string, 10)}
	w := writerFunc(func(p []byte) (int, error) { h.logMu.Lock(); defer h.logMu.Unlock(); return h.log.Write(p) })
	h.srv = New(Options{
		Config:      config.Default().Signaling,
		Fingerprint: sdp.Fingerprint{Algorithm: "sha-256", Value: strings.TrimSuffix(strings.Repeat("AB:", 32), ":")},
		UI:          fstest.MapFS{"index.html": {Data: []byte("<h1>page</h1>")}},
		Media:       m,
		Log:         slog.New(logging.New(w, slog.LevelInfo, false)),
	})
	h.http = httptest.NewServer(h.srv.Handler())
	t.Cleanup(h.http.Close)
	return h, m
}

// A "keyframe" message reaches the media layers; another within a second
// is refused with an error, without calling them, and counted in the
// session's last line, but it is not a bad message.
func TestKeyframeRequest(t *testing.T) {
	h, m := newKeyframeHarness(t)
	c, o := h.dial(t)
	send(t, c, map[string]string{"type": "answer", "sdp": chromeAnswer(o)})
	h.waitAnswer(t)
	send(t, c, map[string]string{"type": "keyframe"})
	select {
	case id := <-m.asked:
		if id != o.Session {
			t.Errorf("keyframe asked for session %s, want %s", id, o.Session)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("the keyframe request did not reach the media layers; log:\n%s", h.logText())
	}
	for range 2 {
		send(t, c, map[string]string{"type": "keyframe"})
		wantError(t, c, "keyframe requests: at most one every 1s")
	}
	if len(m.asked) != 0 {
		t.Errorf("%d requests too soon reached the media layers", len(m.asked))
	}
	if n := h.srv.Stats().BadMessages.Load(); n != 0 {
		t.Errorf("%d bad messages counted, want none", n)
	}
	c.Close()
	h.waitLog(t, "keyframe_requests_refused=2")
	if n := strings.Count(h.logText(), "keyframe request refused"); n != 1 {
		t.Errorf("the refusal was logged %d times, want once", n)
	}
}

// What the media layers say against a request goes back to the page.
func TestKeyframeRequestFails(t *testing.T) {
	h, m := newKeyframeHarness(t)
	m.fail = errors.New("no video from this browser yet")
	c, _ := h.dial(t)
	send(t, c, map[string]string{"type": "keyframe"})
	wantError(t, c, "keyframe request: no video from this browser yet")
}

// With media layers that cannot ask for keyframes (an earlier step's), the
// page is told so.
func TestKeyframeRequestUnsupported(t *testing.T) {
	h := newHarness(t, nil)
	c, _ := h.dial(t)
	send(t, c, map[string]string{"type": "keyframe"})
	wantError(t, c, "does not ask for keyframes")
	if n := h.srv.Stats().BadMessages.Load(); n != 0 {
		t.Errorf("%d bad messages counted, want none", n)
	}
}

// The rate limit on a clock the test sets: one request per keyframeGap,
// counted from the last one let through.
func TestKeyframeGap(t *testing.T) {
	h, m := newKeyframeHarness(t)
	s := &Session{ID: "s1", srv: h.srv, Log: slog.New(slog.DiscardHandler), out: make(chan any, 10), done: make(chan struct{})}
	t0 := time.Now()
	for _, c := range []struct {
		after time.Duration
		asked bool
	}{
		{0, true},
		{keyframeGap / 2, false},
		{keyframeGap - time.Millisecond, false},
		{keyframeGap, true},
		{keyframeGap + keyframeGap/2, false},
		{3 * keyframeGap, true},
	} {
		s.handleKeyframe(t0.Add(c.after), false)
		if asked := len(m.asked) == 1; asked != c.asked {
			t.Errorf("request at +%v: asked %v, want %v", c.after, asked, c.asked)
		}
		if len(m.asked) == 1 {
			<-m.asked
		}
	}
	if s.tooSoon != 3 {
		t.Errorf("refused %d, want 3", s.tooSoon)
	}
}

// snapshotMedia is keyframeMedia that also takes snapshots.
type snapshotMedia struct {
	*keyframeMedia
	snapped chan string
}

func (m *snapshotMedia) Snapshot(s *Session) error {
	m.snapped <- s.ID
	return nil
}

// A "snapshot" message reaches Snapshot, not Keyframe, and shares the
// keyframe button's limit; without a Snapshotter the page is told.
func TestSnapshot(t *testing.T) {
	h, km := newKeyframeHarness(t)
	c, o := h.dial(t)
	send(t, c, map[string]string{"type": "snapshot"})
	wantError(t, c, "does not take snapshots")

	h, km = newKeyframeHarness(t)
	m := &snapshotMedia{keyframeMedia: km, snapped: make(chan string, 10)}
	h.srv.opt.Media = m
	c, o = h.dial(t)
	send(t, c, map[string]string{"type": "snapshot"})
	select {
	case id := <-m.snapped:
		if id != o.Session {
			t.Errorf("snapshot for %s, want %s", id, o.Session)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Snapshot not called")
	}
	send(t, c, map[string]string{"type": "keyframe"})
	wantError(t, c, "at most one every")
	if len(km.asked) != 0 {
		t.Error("a snapshot called Keyframe")
	}
	// Push and Milestone reach the page; a milestone only once.
	s := h.session(t, o.Session)
	s.Milestone(MilestoneJPEG, "shoot1.jpg")
	s.Milestone(MilestoneJPEG, "shoot2.jpg")
	s.Push(Shot{Type: TypeShot, Name: "shoot1.jpg", URL: "/shots/shoot1.jpg", Snapshot: true})
	var ms Milestone
	readJSON(t, c, &ms)
	var shot Shot
	readJSON(t, c, &shot)
	if ms.Name != MilestoneJPEG || ms.Text != "shoot1.jpg" || shot.Type != TypeShot || !shot.Snapshot {
		t.Errorf("got %+v then %+v", ms, shot)
	}
}
