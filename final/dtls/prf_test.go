package dtls

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.NewReplacer(":", "", " ", "", "\n", "", "\t", "").Replace(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The widely used TLS 1.2 PRF (P_SHA256) vector, re-checked with
// `openssl kdf -keylen 100 -kdfopt digest:SHA256 -kdfopt hexsecret:9bbe...
// -kdfopt hexseed:<"test label" || seed> TLS1-PRF` (OpenSSL 3.0.19).
func TestPRFSHA256(t *testing.T) {
	secret := unhex(t, "9bbe436ba940f017b17652849a71db35")
	seed := unhex(t, "a0ba9f936cda311827a6f796ffd5198c")
	want := unhex(t, `e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a
		6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab
		4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701
		87347b66`)
	if got := prf(sha256.New, secret, "test label", seed, len(want)); !bytes.Equal(got, want) {
		t.Errorf("PRF-SHA256\n got %x\nwant %x", got, want)
	}
}

// P_SHA384, for TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 (RFC 5289 §3).
// Computed independently with
//
//	openssl kdf -keylen 48 -kdfopt digest:SHA384 \
//	  -kdfopt hexsecret:000102…2f -kdfopt seed:"test labelseed bytes" TLS1-PRF
func TestPRFSHA384(t *testing.T) {
	secret := make([]byte, 48)
	for i := range secret {
		secret[i] = byte(i)
	}
	want := unhex(t, `41:17:6E:EA:1B:A1:37:1D:A2:CF:F2:A6:13:FE:75:E2:54:2B:AB:FD:EF:3D:2F:7E:
		52:48:AF:5C:04:8E:D2:65:D8:27:C1:2B:30:99:BE:52:0C:E3:75:5C:FD:C7:C4:1F`)
	if got := prf(sha512.New384, secret, "test label", []byte("seed bytes"), 48); !bytes.Equal(got, want) {
		t.Errorf("PRF-SHA384\n got %x\nwant %x", got, want)
	}
}

func TestExporterContextAndLabels(t *testing.T) {
	m, cr, sr := make([]byte, 48), make([]byte, 32), make([]byte, 32)
	a, _ := exportKeyingMaterial(sha256.New, m, cr, sr, "EXPORTER-test", nil, 16)
	b, _ := exportKeyingMaterial(sha256.New, m, cr, sr, "EXPORTER-test", []byte{}, 16)
	if bytes.Equal(a, b) {
		t.Error("nil and empty context must differ (RFC 5705 §4)")
	}
	// The empty context adds a zero length: the same as PRF over cr||sr||00 00.
	want := prf(sha256.New, m, "EXPORTER-test", append(append(append([]byte{}, cr...), sr...), 0, 0), 16)
	if !bytes.Equal(b, want) {
		t.Error("empty context encoding")
	}
	if _, err := exportKeyingMaterial(sha256.New, m, cr, sr, "key expansion", nil, 16); err == nil {
		t.Error("reserved label accepted")
	}
}

func TestRecordCipherRoundTrip(t *testing.T) {
	c, err := newRecordCipher(make([]byte, 16), []byte{1, 2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	h := recordHeader{ContentType: contentApplicationData, Version: VersionDTLS12, Epoch: 1, SequenceNumber: 42}
	sealed := c.seal(&h, []byte("payload"))
	if len(sealed) != len("payload")+aeadOverhead {
		t.Fatalf("sealed length %d", len(sealed))
	}
	if p, err := c.open(&h, sealed); err != nil || string(p) != "payload" {
		t.Fatalf("open: %q %v", p, err)
	}
	h2 := h
	h2.SequenceNumber++ // the AAD covers the sequence number
	if _, err := c.open(&h2, sealed); err == nil {
		t.Error("opened with the wrong sequence number")
	}
	if _, err := c.open(&h, sealed[:10]); err == nil {
		t.Error("opened a truncated record")
	}
}

// The DTLS-SRTP exporter of a real session, from its key log
// (shared/captures/chromium-aes128cm80: CLIENT_RANDOM <client_random>
// <master_secret>) and the server random of its ServerHello, typed in so
// that docs/05-srtp.md can be checked without the captures.
func TestExporterCM80(t *testing.T) {
	clientRandom := unhex(t, "0be73c6c2e7440a8d14de5278f0c70569b18d7c973ea13212b3f10209585b66f")
	serverRandom := unhex(t, "6b020f8f05ca02347974c0ffaed5001e16d9c78a63ef0a372acf0b05d61f5818")
	master := unhex(t, `ed0d9ea840023c06ea31f1d58298dd4ae17ec2efdde315eed266833940b35840
		17839ccd03b35dc36bbd7f6a66b8e330`)
	want := unhex(t, `2e274df8b4e1a1eddf22eeadfb12aed3 6dbf2fcefd8c94f111172e84d20d6be3
		9b54132872aab16691e101b6ec6b 768391d36b49d34643ec4e7566c2`)
	got, err := exportKeyingMaterial(sha256.New, master, clientRandom, serverRandom, "EXTRACTOR-dtls_srtp", nil, 60)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("exporter: %v\n got %x\nwant %x", err, got, want)
	}
	t.Logf("EXTRACTOR-dtls_srtp, 60 bytes: %x", got)
}
