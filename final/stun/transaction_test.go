package stun

import (
	"bytes"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// t0 is the fake clock's start. Nothing in a Transaction reads the real
// clock, so tests pass times in.
var t0 = time.Date(2026, 11, 21, 21, 39, 13, 0, time.UTC)

func at(seconds float64) time.Time {
	return t0.Add(time.Duration(seconds * float64(time.Second)))
}

// serverAnswer plays the STUN server: it decodes the request and returns a
// success response that reports mapped.
func serverAnswer(t *testing.T, request []byte, mapped netip.AddrPort) []byte {
	t.Helper()
	var req Message
	must(t, req.Unmarshal(request))
	res := NewBindingSuccess(&req, mapped)
	res.AddFingerprint()
	return res.Marshal()
}

// runSchedule drives tr from t0 and returns the times of its
// retransmissions and of its failure.
func runSchedule(t *testing.T, tr *Transaction) (resends []time.Time, failedAt time.Time, err error) {
	t.Helper()
	first := tr.Request()
	for range 100 {
		d := tr.Deadline()
		if d.IsZero() {
			t.Fatal("Deadline is zero while running")
		}
		// A wake-up just before the deadline does nothing.
		if resend, err := tr.HandleTimeout(d.Add(-time.Millisecond)); resend || err != nil {
			t.Fatalf("early HandleTimeout at %v: %v, %v", d.Sub(t0), resend, err)
		}
		resend, err := tr.HandleTimeout(d)
		if err != nil {
			if !tr.Deadline().IsZero() {
				t.Error("Deadline not zero after failure")
			}
			return resends, d, err
		}
		if !resend {
			t.Fatalf("HandleTimeout at its deadline %v neither resent nor failed", d.Sub(t0))
		}
		if !bytes.Equal(tr.Request(), first) {
			t.Fatal("the retransmission differs from the first request")
		}
		resends = append(resends, d)
	}
	t.Fatal("transaction never ended")
	return
}

func TestTransactionSchedule(t *testing.T) {
	// RFC 8489 §6.2.1: "assuming an RTO of 500 ms, requests would be sent
	// at times 0 ms, 500 ms, 1500 ms, 3500 ms, 7500 ms, 15500 ms, and
	// 31500 ms. If the client has not received a response after 39500 ms,
	// the client will consider the transaction to have timed out."
	resends, failedAt, err := runSchedule(t, NewTransaction(t0))
	want := []time.Time{at(0.5), at(1.5), at(3.5), at(7.5), at(15.5), at(31.5)}
	if len(resends) != len(want) {
		t.Fatalf("resent at %v, want %v", resends, want)
	}
	for i := range want {
		if !resends[i].Equal(want[i]) {
			t.Errorf("retransmission %d at %v, want %v", i+1, resends[i].Sub(t0), want[i].Sub(t0))
		}
	}
	if !failedAt.Equal(at(39.5)) || !errors.Is(err, ErrTimeout) {
		t.Errorf("failed at %v with %v, want 39.5s and ErrTimeout", failedAt.Sub(t0), err)
	}
}

func TestTransactionOptions(t *testing.T) {
	// A faster RTO, fewer requests and a shorter final wait.
	resends, failedAt, err := runSchedule(t, NewTransaction(t0, WithRTO(100*time.Millisecond), WithRc(3), WithRm(4)))
	if len(resends) != 2 || !resends[0].Equal(at(0.1)) || !resends[1].Equal(at(0.3)) {
		t.Errorf("resent at %v", resends)
	}
	if !failedAt.Equal(at(0.7)) || !errors.Is(err, ErrTimeout) {
		t.Errorf("failed at %v with %v, want 0.7s", failedAt.Sub(t0), err)
	}

	// Rc = 1: one request, then Rm × RTO.
	resends, failedAt, _ = runSchedule(t, NewTransaction(t0, WithRc(1)))
	if len(resends) != 0 || !failedAt.Equal(at(8)) {
		t.Errorf("Rc=1: resent %v, failed at %v", resends, failedAt.Sub(t0))
	}
}

func TestTransactionOverallDeadline(t *testing.T) {
	resends, failedAt, err := runSchedule(t, NewTransaction(t0, WithTimeout(5*time.Second)))
	if len(resends) != 3 || !resends[2].Equal(at(3.5)) {
		t.Errorf("resent at %v, want 0.5, 1.5, 3.5 s", resends)
	}
	if !failedAt.Equal(at(5)) || !errors.Is(err, ErrTimeout) {
		t.Errorf("failed at %v with %v, want 5s and ErrTimeout", failedAt.Sub(t0), err)
	}
	// A late wake-up past the deadline fails at once, without a resend.
	tr := NewTransaction(t0, WithTimeout(time.Second))
	if resend, err := tr.HandleTimeout(at(60)); resend || !errors.Is(err, ErrTimeout) {
		t.Errorf("late wake-up: %v, %v", resend, err)
	}
	if resend, err := tr.HandleTimeout(at(61)); resend || !errors.Is(err, ErrTimeout) {
		t.Errorf("after failure: %v, %v", resend, err)
	}
}

func TestTransactionSuccess(t *testing.T) {
	tr := NewTransaction(t0)
	var req Message
	must(t, req.Unmarshal(tr.Request()))
	if req.Type != BindingRequest || req.TransactionID != tr.ID() {
		t.Fatalf("request %v", &req)
	}
	if err := req.CheckFingerprint(); err != nil {
		t.Errorf("request FINGERPRINT: %v", err)
	}
	mapped := mustAddrPort("203.0.113.7:61000")

	// Another transaction's response is ignored.
	other := NewBindingSuccess(NewBindingRequest(), mustAddrPort("198.51.100.1:1"))
	if got, done, err := tr.HandleResponse(other.Marshal()); done || err != nil || got.IsValid() {
		t.Errorf("other transaction: %v, %v, %v", got, done, err)
	}
	// Not STUN at all.
	if _, done, err := tr.HandleResponse([]byte{22, 0xfe, 0xfd}); done || err == nil {
		t.Errorf("garbage: done=%v err=%v", done, err)
	}

	got, done, err := tr.HandleResponse(serverAnswer(t, tr.Request(), mapped))
	if err != nil || !done || got != mapped {
		t.Fatalf("HandleResponse = %v, %v, %v; want %v", got, done, err, mapped)
	}
	if !tr.Deadline().IsZero() {
		t.Error("Deadline not zero after success")
	}
	if resend, err := tr.HandleTimeout(at(100)); resend || err != nil {
		t.Errorf("HandleTimeout after success: %v, %v", resend, err)
	}
	// A duplicate answer, to a retransmission, is ignored.
	if _, done, err := tr.HandleResponse(serverAnswer(t, tr.Request(), mapped)); done || err != nil {
		t.Errorf("duplicate: done=%v err=%v", done, err)
	}
}

func TestTransactionRejects(t *testing.T) {
	tr := NewTransaction(t0)
	id := tr.ID()
	mapped := mustAddrPort("203.0.113.7:61000")

	wrongClass := &Message{Type: BindingRequest, TransactionID: id}
	indication := &Message{Type: BindingIndication, TransactionID: id}
	wrongMethod := &Message{Type: MessageType{Method: 0x003, Class: ClassSuccessResponse}, TransactionID: id}
	wrongMethod.AddXORMappedAddress(mapped)
	badFingerprint := NewBindingSuccess(&Message{Type: BindingRequest, TransactionID: id}, mapped)
	badFingerprint.Add(AttrFingerprint, []byte{1, 2, 3, 4})
	for _, tc := range []struct {
		m    *Message
		want string
	}{
		{wrongClass, "got a Binding request, want a response"},
		{indication, "got a Binding indication, want a response"},
		{wrongMethod, "want method Binding"},
		{badFingerprint, "stun: FINGERPRINT mismatch"},
	} {
		got, done, err := tr.HandleResponse(tc.m.Marshal())
		if done || err == nil || !strings.Contains(err.Error(), tc.want) || got.IsValid() {
			t.Errorf("%v: %v, %v, %v; want error %q", tc.m, got, done, err, tc.want)
		}
	}
	// The transaction is still running and still accepts the real answer.
	if got, done, err := tr.HandleResponse(serverAnswer(t, tr.Request(), mapped)); !done || err != nil || got != mapped {
		t.Errorf("after rejects: %v, %v, %v", got, done, err)
	}
}

func TestTransactionFailures(t *testing.T) {
	t.Run("error response", func(t *testing.T) {
		tr := NewTransaction(t0)
		res, err := NewErrorResponse(&Message{Type: BindingRequest, TransactionID: tr.ID()}, CodeRoleConflict, "")
		must(t, err)
		_, done, err := tr.HandleResponse(res.Marshal())
		var code ErrorCode
		if !done || !errors.As(err, &code) || code.Code != 487 {
			t.Errorf("done=%v err=%v", done, err)
		}
		if _, err := tr.HandleTimeout(at(100)); !errors.As(err, &code) {
			t.Errorf("HandleTimeout after failure: %v", err)
		}
	})
	t.Run("no XOR-MAPPED-ADDRESS", func(t *testing.T) {
		tr := NewTransaction(t0)
		res := &Message{Type: BindingSuccessResponse, TransactionID: tr.ID()}
		res.AddMappedAddress(mustAddrPort("1.2.3.4:5"))
		if _, done, err := tr.HandleResponse(res.Marshal()); !done || !errors.Is(err, ErrAttributeNotFound) {
			t.Errorf("done=%v err=%v", done, err)
		}
	})
	t.Run("unknown comprehension-required attribute", func(t *testing.T) {
		tr := NewTransaction(t0)
		res := NewBindingSuccess(&Message{Type: BindingRequest, TransactionID: tr.ID()}, mustAddrPort("1.2.3.4:5"))
		res.Add(0x0042, nil)
		if _, done, err := tr.HandleResponse(res.Marshal()); !done || err == nil {
			t.Errorf("done=%v err=%v", done, err)
		}
	})
}

func TestTransactionIntegrity(t *testing.T) {
	// An ICE connectivity check: the request is signed with the peer's
	// password, and so must the response be (RFC 8445 §7.2.2, RFC 8489
	// §9.1.4).
	key := ShortTermKey("peer-password-0123456789")
	req := NewBindingRequest()
	must(t, req.AddUsername("peer:me"))
	req.AddPriority(1)
	req.AddMessageIntegrity(key)
	req.AddFingerprint()
	tr := NewTransaction(t0, WithRequest(req), WithIntegrityKey(key), WithRc(2), WithRm(2))
	if tr.ID() != req.TransactionID || !bytes.Equal(tr.Request(), req.Marshal()) {
		t.Fatal("WithRequest not used")
	}
	mapped := mustAddrPort("127.0.0.1:36574")

	forged := NewBindingSuccess(req, mustAddrPort("6.6.6.6:6"))
	forged.AddMessageIntegrity([]byte("attacker"))
	forged.AddFingerprint()
	if _, done, err := tr.HandleResponse(forged.Marshal()); done || !errors.Is(err, ErrIntegrityMismatch) {
		t.Errorf("forged: done=%v err=%v", done, err)
	}
	unsigned := NewBindingSuccess(req, mapped)
	if _, done, err := tr.HandleResponse(unsigned.Marshal()); done || err == nil {
		t.Errorf("unsigned: done=%v err=%v", done, err)
	}
	// Only bad responses came: the failure says so instead of "timeout".
	if resend, err := tr.HandleTimeout(at(0.5)); !resend || err != nil {
		t.Fatalf("retransmission: %v, %v", resend, err)
	}
	if _, err := tr.HandleTimeout(at(1.5)); !errors.Is(err, ErrIntegrityMismatch) || errors.Is(err, ErrTimeout) {
		t.Errorf("final error %v, want ErrIntegrityMismatch", err)
	}

	tr = NewTransaction(t0, WithRequest(req), WithIntegrityKey(key))
	good := NewBindingSuccess(req, mapped)
	good.AddMessageIntegrity(key)
	good.AddFingerprint()
	if got, done, err := tr.HandleResponse(good.Marshal()); !done || err != nil || got != mapped {
		t.Errorf("signed: %v, %v, %v", got, done, err)
	}
}
