package stun

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

func TestMessageTypeInterleaving(t *testing.T) {
	for _, tc := range []struct {
		typ  MessageType
		want uint16
	}{
		// RFC 8489 §5: "a Binding request ... is encoded into the first
		// 16 bits as 0x0001. A Binding response ... as 0x0101."
		{BindingRequest, 0x0001},
		{BindingIndication, 0x0011},
		{BindingSuccessResponse, 0x0101},
		{BindingErrorResponse, 0x0111},
		// TURN's Allocate (method 0x003, RFC 8656) shows that the low
		// method bits stay in place.
		{MessageType{Method: 0x003, Class: ClassSuccessResponse}, 0x0103},
		// Each group of method bits on its own: M3..M0, M6..M4, M11..M7.
		{MessageType{Method: 0x00F, Class: ClassRequest}, 0x000F},
		{MessageType{Method: 0x010, Class: ClassRequest}, 0x0020},
		{MessageType{Method: 0x070, Class: ClassRequest}, 0x00E0},
		{MessageType{Method: 0x080, Class: ClassRequest}, 0x0200},
		{MessageType{Method: 0xF80, Class: ClassRequest}, 0x3E00},
		{MessageType{Method: 0xFFF, Class: ClassRequest}, 0x3EEF},
		{MessageType{Method: 0xFFF, Class: ClassErrorResponse}, 0x3FFF},
		{MessageType{Method: 0x000, Class: ClassIndication}, 0x0010},
		{MessageType{Method: 0x000, Class: ClassSuccessResponse}, 0x0100},
	} {
		if got := tc.typ.Value(); got != tc.want {
			t.Errorf("%v: Value() = 0x%04x, want 0x%04x", tc.typ, got, tc.want)
		}
		if got := MessageTypeFromValue(tc.want); got != tc.typ {
			t.Errorf("MessageTypeFromValue(0x%04x) = %+v, want %+v", tc.want, got, tc.typ)
		}
	}
	// Every 14-bit value is exactly one (method, class) pair.
	for v := range uint16(0x4000) {
		if got := MessageTypeFromValue(v).Value(); got != v {
			t.Fatalf("0x%04x decodes and encodes back to 0x%04x", v, got)
		}
	}
	if s := BindingSuccessResponse.String(); s != "Binding success response" {
		t.Errorf("String() = %q", s)
	}
}

// header returns a 20-byte STUN header with the given type and length.
func header(typ, length uint16) []byte {
	b := binary.BigEndian.AppendUint16(nil, typ)
	b = binary.BigEndian.AppendUint16(b, length)
	b = binary.BigEndian.AppendUint32(b, MagicCookie)
	return append(b, "0123456789ab"...)
}

func TestUnmarshalErrors(t *testing.T) {
	badCookie := header(0x0001, 0)
	badCookie[4] = 0x21 ^ 0xff
	overrun := append(header(0x0101, 12), 0x00, 0x20, 0x00, 12, 0, 1, 0, 0, 0, 0, 0, 0)
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "stun: message of 0 bytes is shorter than the 20-byte header"},
		{"truncated header", header(0x0001, 0)[:19], "stun: message of 19 bytes is shorter than the 20-byte header"},
		{"top bits", header(0x4001, 0), "stun: first two bits are 01, must be 00"},
		{"bad cookie", badCookie, "stun: magic cookie 0xde12a442, want 0x2112a442"},
		{"length not multiple of 4", append(header(0x0001, 2), 0, 0), "stun: message length 2 is not a multiple of 4"},
		{"length past datagram", header(0x0001, 4), "stun: message length 4 does not match the 0 bytes after the header"},
		{"trailing bytes", append(header(0x0001, 0), 0, 0, 0, 0), "stun: message length 0 does not match the 4 bytes after the header"},
		{"attribute overrun", overrun, "stun: attribute 0x0020 length 12 runs past message end (8 bytes left)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := Message{Type: BindingRequest, TransactionID: TransactionID{1}, Attributes: []Attribute{{Type: 1}}}
			err := m.Unmarshal(tc.b)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if m.Type != (MessageType{}) || m.TransactionID != (TransactionID{}) || len(m.Attributes) != 0 || len(m.Raw) != 0 {
				t.Errorf("after an error the message is not empty: %+v", m)
			}
		})
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	m := &Message{Type: BindingIndication, TransactionID: NewTransactionID()}
	m.Add(AttrSoftware, []byte("a"))          // 3 bytes of padding
	m.Add(0x7F01, []byte("four"))             // no padding
	m.Add(0x7F01, []byte("duplicate!"))       // duplicate kept, 2 bytes of padding
	m.Add(AttrUseCandidate, nil)              // empty value
	m.Add(0xFFFF, bytes.Repeat([]byte{7}, 7)) // 1 byte of padding
	b := m.Marshal()
	if len(b) != 20+8+8+16+4+12 {
		t.Fatalf("encoded length %d", len(b))
	}
	if got := binary.BigEndian.Uint16(b[2:4]); int(got) != len(b)-HeaderSize {
		t.Errorf("Message Length %d, want %d", got, len(b)-HeaderSize)
	}
	if !bytes.Equal(b[25:28], []byte{0, 0, 0}) {
		t.Errorf("padding after SOFTWARE is %x, want zeros", b[25:28])
	}
	var got Message
	if err := got.Unmarshal(b); err != nil {
		t.Fatal(err)
	}
	if got.Type != m.Type || got.TransactionID != m.TransactionID {
		t.Errorf("header %v %v, want %v %v", got.Type, got.TransactionID, m.Type, m.TransactionID)
	}
	if len(got.Attributes) != len(m.Attributes) {
		t.Fatalf("%d attributes, want %d", len(got.Attributes), len(m.Attributes))
	}
	for i := range m.Attributes {
		if got.Attributes[i].Type != m.Attributes[i].Type || !bytes.Equal(got.Attributes[i].Value, m.Attributes[i].Value) {
			t.Errorf("attribute %d = %+v, want %+v", i, got.Attributes[i], m.Attributes[i])
		}
	}
	if v, _ := got.Get(0x7F01); string(v) != "four" {
		t.Errorf("Get returned %q, want the first occurrence", v)
	}
	if !bytes.Equal(got.Marshal(), b) {
		t.Error("decode then encode changed the bytes")
	}
	if prefix := []byte("prefix"); !bytes.Equal(m.AppendTo(prefix)[len(prefix):], b) {
		t.Error("AppendTo differs from Marshal")
	}
}

func TestUnmarshalCopiesAndReuses(t *testing.T) {
	a := NewBindingRequest()
	must(t, a.AddUsername("first:message"))
	b := &Message{Type: BindingSuccessResponse, TransactionID: NewTransactionID()}
	b.AddPriority(42)
	wire := a.Marshal()

	var m Message
	if err := m.Unmarshal(wire); err != nil {
		t.Fatal(err)
	}
	for i := range wire {
		wire[i] = 0xEE // the caller reuses its read buffer
	}
	if u, err := m.Username(); err != nil || u != "first:message" {
		t.Errorf("USERNAME after the input was overwritten: %q, %v", u, err)
	}
	// Appending to a value must not run into the next attribute in Raw.
	m.Attributes[0].Value = append(m.Attributes[0].Value, "XYZ"...)
	if !bytes.Equal(m.Raw, a.Marshal()) {
		t.Error("appending to an attribute value changed Raw")
	}

	if err := m.Unmarshal(b.Marshal()); err != nil {
		t.Fatal(err)
	}
	if m.Type != BindingSuccessResponse || len(m.Attributes) != 1 || m.Has(AttrUsername) {
		t.Errorf("reused message kept old state: %v", &m)
	}
}

func TestAddClearsRaw(t *testing.T) {
	var m Message
	if err := m.Unmarshal(NewBindingRequest().Marshal()); err != nil {
		t.Fatal(err)
	}
	if m.Raw == nil {
		t.Fatal("Unmarshal did not set Raw")
	}
	m.AddPriority(1)
	if m.Raw != nil {
		t.Error("Add did not clear Raw")
	}
}

func TestIsMessage(t *testing.T) {
	stun := NewBindingRequest().Marshal()
	for _, tc := range []struct {
		name string
		b    []byte
		want bool
	}{
		{"Binding request", stun, true},
		{"first byte 3", append([]byte{3}, stun[1:]...), true},
		{"first byte 4", append([]byte{4}, stun[1:]...), false},
		{"DTLS handshake", append([]byte{22, 0xfe, 0xfd}, stun[3:]...), false},
		{"RTP", append([]byte{0x80, 0x60}, stun[2:]...), false},
		{"short", stun[:19], false},
		{"no cookie", append(bytes.Clone(stun[:4]), make([]byte, 16)...), false},
		{"empty", nil, false},
	} {
		if got := IsMessage(tc.b); got != tc.want {
			t.Errorf("%s: IsMessage = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestNewTransactionIDIsRandom(t *testing.T) {
	a, b := NewTransactionID(), NewTransactionID()
	if a == b || a == (TransactionID{}) {
		t.Errorf("two IDs %v and %v", a, b)
	}
	if s := (TransactionID{0x0a, 0x1b}).String(); s != "0a1b00000000000000000000" {
		t.Errorf("String() = %q", s)
	}
}

func TestString(t *testing.T) {
	m := &Message{Type: BindingRequest, TransactionID: TransactionID{0x0a, 0x1b, 0x2c}}
	must(t, m.AddUsername("abcd:efgh"))
	m.AddPriority(1845501695)
	m.AddICEControlling(0x1122334455667788)
	m.AddUseCandidate()
	m.Add(AttrGoogNetworkInfo, []byte{0, 1, 0, 50})
	m.Add(0x7777, []byte{1, 2, 3})
	m.AddMessageIntegrity([]byte("key"))
	m.Add(AttrSoftware, []byte("after MESSAGE-INTEGRITY"))
	m.AddFingerprint()
	want := `Binding request tx=0a1b2c000000000000000000 USERNAME="abcd:efgh" PRIORITY=1845501695 ` +
		`ICE-CONTROLLING=0x1122334455667788 USE-CANDIDATE GOOG-NETWORK-INFO(network-id=1, cost=50) ` +
		`0x7777(3 bytes) MESSAGE-INTEGRITY SOFTWARE="after MESSAGE-INTEGRITY"(ignored) FINGERPRINT`
	if got := m.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}

	res := NewBindingSuccess(m, mustAddrPort("192.0.2.1:32853"))
	res.Add(AttrPriority, []byte{1, 2, 3})
	if got, want := res.String(), "Binding success response tx=0a1b2c000000000000000000 XOR-MAPPED-ADDRESS=192.0.2.1:32853 PRIORITY(malformed, 3 bytes)"; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
	e := NewUnknownAttributesResponse(m, []AttrType{0x7777, AttrMessageIntegritySHA256})
	if got := e.String(); !strings.HasSuffix(got, `ERROR-CODE=420("Unknown Attribute") UNKNOWN-ATTRIBUTES=[0x7777 MESSAGE-INTEGRITY-SHA256]`) {
		t.Errorf("String() = %s", got)
	}
}
