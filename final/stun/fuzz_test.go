package stun

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"
)

// fuzzSeeds returns the RFC 5769 vectors, a few messages built here, and,
// when shared/captures is there, every STUN datagram of the captures.
func fuzzSeeds(f *testing.F) [][]byte {
	seeds := [][]byte{}
	for _, v := range []string{rfc5769Request, rfc5769IPv4Response, rfc5769IPv6Response, rfc5769LongTerm} {
		seeds = append(seeds, unhex(f, v))
	}
	seeds = append(seeds, checkRequest(f, []byte("k")).Marshal())
	req := NewBindingRequest()
	req.Add(0x0030, []byte{1, 2, 3})
	seeds = append(seeds, NewUnknownAttributesResponse(req, req.UnknownComprehensionRequired()).Marshal())
	res := NewBindingSuccess(req, mustAddrPort("[2001:db8::1]:443"))
	res.AddMappedAddress(mustAddrPort("192.0.2.1:32853"))
	res.AddFingerprint()
	seeds = append(seeds, res.Marshal())
	paths, _ := filepath.Glob(filepath.Join(capturesDir, "*.pcap"))
	for _, p := range paths {
		datagrams, err := readPcap(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, d := range datagrams {
			if len(d.payload) > 0 && d.payload[0] <= 3 {
				seeds = append(seeds, d.payload)
			}
		}
	}
	return seeds
}

// FuzzUnmarshal feeds the decoder arbitrary bytes. Nothing may panic, and
// whatever it accepts must encode to bytes that decode to the same message
// and encode again to the same bytes.
func FuzzUnmarshal(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		if err := m.Unmarshal(b); err != nil {
			return
		}
		if !IsMessage(b) && b[0] <= 3 {
			t.Fatal("Unmarshal accepted what IsMessage rejects")
		}
		// Every accessor on every accepted message: errors, no panics.
		_ = m.String()
		m.Username()
		m.Software()
		m.Realm()
		m.Nonce()
		m.MappedAddress()
		m.XORMappedAddress()
		m.Priority()
		m.UseCandidate()
		m.ICEControlled()
		m.ICEControlling()
		m.ErrorCode()
		m.UnknownAttributes()
		m.UnknownComprehensionRequired()
		errMI := m.CheckIntegrity([]byte("key"))
		errFP := m.CheckFingerprint()

		enc := m.Marshal()
		var again Message
		if err := again.Unmarshal(enc); err != nil {
			t.Fatalf("our encoding does not decode: %v\n%x", err, enc)
		}
		if again.Type != m.Type || again.TransactionID != m.TransactionID || len(again.Attributes) != len(m.Attributes) {
			t.Fatalf("decode→encode→decode changed the message:\n%v\n%v", &m, &again)
		}
		for i := range m.Attributes {
			if again.Attributes[i].Type != m.Attributes[i].Type || !bytes.Equal(again.Attributes[i].Value, m.Attributes[i].Value) {
				t.Fatalf("attribute %d changed: %+v → %+v", i, m.Attributes[i], again.Attributes[i])
			}
		}
		if !bytes.Equal(again.Marshal(), enc) {
			t.Fatal("encoding is not stable")
		}
		if again.String() != m.String() {
			t.Fatalf("String() changed:\n%s\n%s", &m, &again)
		}
		// With zero padding the input is already canonical: the checks
		// must give the same answers on our encoding.
		if bytes.Equal(b, enc) {
			if (again.CheckIntegrity([]byte("key")) == nil) != (errMI == nil) || (again.CheckFingerprint() == nil) != (errFP == nil) {
				t.Fatal("integrity or fingerprint result differs on identical bytes")
			}
		}
	})
}

// FuzzTransaction feeds arbitrary datagrams to a client transaction, with
// the transaction ID patched in so that the fuzzer reaches past the ID
// check. Nothing may panic, and the results must be consistent.
func FuzzTransaction(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s, false)
		f.Add(s, true)
	}
	key := []byte("k")
	f.Fuzz(func(t *testing.T, b []byte, withKey bool) {
		req := &Message{Type: BindingRequest, TransactionID: TransactionID{1, 2, 3}}
		opts := []TransactionOption{WithRequest(req)}
		if withKey {
			opts = append(opts, WithIntegrityKey(key))
		}
		tr := NewTransaction(t0, opts...)
		if len(b) >= HeaderSize {
			b = bytes.Clone(b)
			copy(b[8:HeaderSize], req.TransactionID[:])
		}
		mapped, done, err := tr.HandleResponse(b)
		switch {
		case done && err == nil:
			if !mapped.IsValid() {
				t.Fatal("success without an address")
			}
			if !tr.Deadline().IsZero() {
				t.Fatal("finished, yet a deadline")
			}
		case done:
			if _, err2 := tr.HandleTimeout(t0.Add(time.Hour)); err2 == nil {
				t.Fatal("failed transaction forgot its error")
			}
		default:
			if mapped.IsValid() {
				t.Fatal("an address without success")
			}
			if tr.Deadline().IsZero() {
				t.Fatal("still running, but no deadline")
			}
		}
	})
}
