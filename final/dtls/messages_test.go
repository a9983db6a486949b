package dtls

import (
	"reflect"
	"testing"
)

// message is what every handshake message type implements.
type message interface {
	marshal() []byte
	unmarshal([]byte) error
	String() string
}

// sampleMessages returns one filled-in value of each message and a fresh
// value to decode into.
func sampleMessages() []struct{ in, out message } {
	var random [32]byte
	for i := range random {
		random[i] = byte(i)
	}
	return []struct{ in, out message }{
		{&clientHelloMsg{Version: VersionDTLS12, Random: random, SessionID: []byte{}, Cookie: []byte{1, 2, 3},
			CipherSuites: []uint16{0xc02b, 0xc02c}, CompressionMethods: []uint8{0},
			Extensions: []extension{{Type: extExtendedMasterSecret, Data: []byte{}}, {Type: extUseSRTP, Data: marshalUseSRTP([]SRTPProtectionProfile{1, 7}, []byte{})}}},
			&clientHelloMsg{}},
		{&serverHelloMsg{Version: VersionDTLS12, Random: random, SessionID: []byte{}, CipherSuite: 0xc02b,
			Extensions: []extension{{Type: extRenegotiationInfo, Data: []byte{0}}}}, &serverHelloMsg{}},
		{&helloVerifyRequestMsg{Version: VersionDTLS10, Cookie: []byte("cookiecookie")}, &helloVerifyRequestMsg{}},
		{&certificateMsg{Certificates: [][]byte{{1, 2, 3}, {4, 5}}}, &certificateMsg{}},
		{&serverKeyExchangeMsg{Curve: CurveX25519, PublicKey: make([]byte, 32), SignatureAlgorithm: ecdsaWithP256AndSHA256, Signature: []byte{9, 9}}, &serverKeyExchangeMsg{}},
		{&certificateRequestMsg{CertificateTypes: []uint8{certTypeECDSASign}, SignatureAlgorithms: []signatureScheme{ecdsaWithP256AndSHA256},
			CertificateAuthorities: [][]byte{{1}, {2, 3}}}, &certificateRequestMsg{}},
		{&serverHelloDoneMsg{}, &serverHelloDoneMsg{}},
		{&clientKeyExchangeMsg{PublicKey: []byte{4, 1, 2}}, &clientKeyExchangeMsg{}},
		{&certificateVerifyMsg{SignatureAlgorithm: ecdsaWithP256AndSHA256, Signature: []byte{1, 2, 3}}, &certificateVerifyMsg{}},
		{&finishedMsg{VerifyData: make([]byte, 12)}, &finishedMsg{}},
		{&changeCipherSpecMsg{}, &changeCipherSpecMsg{}},
		{&Alert{Level: AlertLevelFatal, Description: AlertDecryptError}, &Alert{}},
	}
}

func TestMessageRoundTrips(t *testing.T) {
	for _, tc := range sampleMessages() {
		b := tc.in.marshal()
		if err := tc.out.unmarshal(b); err != nil {
			t.Errorf("%T: %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(tc.in, tc.out) {
			t.Errorf("%T round trip:\n in %v\nout %v", tc.in, tc.in, tc.out)
		}
		if tc.out.String() == "" {
			t.Errorf("%T: empty String", tc.in)
		}
		// Every strict prefix must fail to parse (ServerHelloDone has none,
		// and a hello without its extensions block is valid).
		for n := 0; n < len(b); n++ {
			switch tc.in.(type) {
			case *clientHelloMsg, *serverHelloMsg:
				if n == len(b)-len(appendExtensions(nil, extsOf(tc.in))) {
					continue
				}
			}
			if err := tc.out.unmarshal(b[:n]); err == nil {
				t.Errorf("%T: prefix of %d/%d bytes accepted", tc.in, n, len(b))
			}
		}
		if err := tc.out.unmarshal(append(b, 0)); err == nil {
			t.Errorf("%T: trailing byte accepted", tc.in)
		}
	}
}

func extsOf(m message) []extension {
	switch m := m.(type) {
	case *clientHelloMsg:
		return m.Extensions
	case *serverHelloMsg:
		return m.Extensions
	}
	return nil
}

func TestDuplicateExtensionRejected(t *testing.T) {
	ch := clientHelloMsg{Version: VersionDTLS12, CipherSuites: []uint16{0xc02b}, CompressionMethods: []uint8{0},
		Extensions: []extension{{Type: extExtendedMasterSecret}, {Type: extExtendedMasterSecret}}}
	if err := new(clientHelloMsg).unmarshal(ch.marshal()); err == nil {
		t.Error("duplicate extension accepted")
	}
}

func TestHandshakeHeader(t *testing.T) {
	b := marshalHandshake(typeFinished, 5, make([]byte, 12))
	frags, err := parseHandshakeFragments(append(b, b...)) // two messages in one record
	if err != nil || len(frags) != 2 {
		t.Fatalf("%v %v", frags, err)
	}
	h := frags[0].Header
	if h != (handshakeHeader{Type: typeFinished, Length: 12, MessageSeq: 5, FragmentOffset: 0, FragmentLength: 12}) {
		t.Errorf("header %+v", h)
	}
	bad := append([]byte(nil), b...)
	bad[11] = 13 // fragment_length 13 > length 12
	if _, err := parseHandshakeFragments(bad); err == nil {
		t.Error("fragment beyond length accepted")
	}
	if _, err := parseHandshakeFragments(b[:11]); err == nil {
		t.Error("short header accepted")
	}
}

func TestParseRecords(t *testing.T) {
	r1 := (&record{Header: recordHeader{ContentType: contentHandshake, Version: VersionDTLS12, Epoch: 0, SequenceNumber: 1<<48 - 1}, Fragment: []byte{1, 2}}).marshal(nil)
	r2 := (&record{Header: recordHeader{ContentType: contentAlert, Version: VersionDTLS12, Epoch: 1, SequenceNumber: 7}, Fragment: []byte{3}}).marshal(nil)
	recs, err := parseRecords(append(append([]byte{}, r1...), r2...))
	if err != nil || len(recs) != 2 || recs[0].Header.SequenceNumber != 1<<48-1 || recs[1].Header.Epoch != 1 || recs[1].Header.Length != 1 {
		t.Fatalf("%v %v", recs, err)
	}
	recs, err = parseRecords(append(append([]byte{}, r1...), r2[:len(r2)-1]...))
	if err == nil || len(recs) != 1 {
		t.Errorf("truncated second record: %v %v", recs, err)
	}
}
