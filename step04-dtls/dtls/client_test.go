package dtls

// A minimal DTLS 1.2 client for tests: just enough to drive the server
// through every flight, with knobs to misbehave. It reuses the package's
// message types, reassembler, PRF and record cipher, so the interop test
// with OpenSSL is what checks those against an independent implementation.

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// clientCert is the test client's certificate, made once.
var clientCert = func() func() ([]byte, *ecdsa.PrivateKey, error) {
	var once sync.Once
	var der []byte
	var key *ecdsa.PrivateKey
	var err error
	return func() ([]byte, *ecdsa.PrivateKey, error) {
		once.Do(func() { der, key, err = NewCertificate(rand.Reader, time.Now()) })
		return der, key, err
	}
}()

// testClient is the client side of one handshake.
type testClient struct {
	t        testing.TB
	suite    *cipherSuite
	curve    CurveID
	srtp     []SRTPProtectionProfile
	noEMS    bool // leave out extended_master_secret
	badCV    bool // corrupt the CertificateVerify signature
	badFin   bool // corrupt the Finished verify_data
	badPoint bool // send an invalid ECDH public key
	mtu      int  // datagram size; small values force fragmentation
	certDER  []byte
	certKey  *ecdsa.PrivateKey
	random   [32]byte
	cookie   []byte
	sendSeq  uint16
	writeSeq [2]uint64
	writeEp  uint16
	readEp   uint16
	rcipher  *recordCipher
	wcipher  *recordCipher
	rs       *reassembler
	replay   [2]ReplayWindow
	hello    flightMessage   // the current ClientHello, for retransmission
	flight5  []flightMessage // for retransmission
	tr       []byte          // transcript
	serverSK *ecdsa.PublicKey
	ecdhKey  *ecdh.PrivateKey
	master   []byte
	srvRand  [32]byte
	srtpSel  SRTPProtectionProfile
	done     bool    // server Finished verified
	alerts   []Alert // alerts received from the server
	appData  [][]byte
}

func newTestClient(t testing.TB, suite uint16, curve CurveID) *testClient {
	der, key, err := clientCert()
	if err != nil {
		t.Fatal(err)
	}
	cl := &testClient{t: t, suite: cipherSuiteByID(suite), curve: curve, mtu: 1200, certDER: der, certKey: key,
		srtp: []SRTPProtectionProfile{SRTP_AES128_CM_HMAC_SHA1_80, SRTP_AEAD_AES_128_GCM}, rs: newReassembler()}
	rand.Read(cl.random[:])
	return cl
}

// helloDatagrams builds a new ClientHello (with the cookie, if we have one).
func (cl *testClient) helloDatagrams() [][]byte {
	ch := ClientHello{Version: VersionDTLS12, Random: cl.random, Cookie: cl.cookie,
		CipherSuites: []uint16{0x1301, uint16(cl.suite.id), 0xc02f}, CompressionMethods: []uint8{0}}
	add := func(t ExtensionType, data []byte) {
		ch.Extensions = append(ch.Extensions, Extension{Type: t, Data: data})
	}
	add(ExtSupportedVersions, []byte{4, 0xfe, 0xfc, 0xfe, 0xfd}) // DTLS 1.3 offer, to be ignored
	add(ExtSupportedGroups, appendU16List(nil, cl.groups()))
	add(ExtECPointFormats, []byte{1, 0})
	add(ExtSignatureAlgorithms, appendU16List(nil, []SignatureScheme{ECDSAWithP256AndSHA256, 0x0804}))
	if len(cl.srtp) > 0 {
		add(ExtUseSRTP, marshalUseSRTP(cl.srtp, nil))
	}
	if !cl.noEMS {
		add(ExtExtendedMasterSecret, nil)
	}
	add(ExtRenegotiationInfo, []byte{0})
	add(ExtKeyShare, make([]byte, 40)) // opaque to a 1.2 server
	cl.hello = flightMessage{typ: TypeClientHello, seq: cl.sendSeq, body: ch.Marshal()}
	cl.sendSeq++
	return cl.pack([]flightMessage{cl.hello})
}

// resendHello retransmits the current ClientHello in new records.
func (cl *testClient) resendHello() [][]byte { return cl.pack([]flightMessage{cl.hello}) }

// resendFlight5 retransmits flight 5 in new records.
func (cl *testClient) resendFlight5() [][]byte { return cl.pack(cl.flight5) }

// pack turns messages into datagrams of at most cl.mtu bytes.
func (cl *testClient) pack(msgs []flightMessage) [][]byte {
	var out [][]byte
	var cur []byte
	put := func(epoch uint16, ct ContentType, payload []byte) {
		seq := cl.writeSeq[epoch]
		cl.writeSeq[epoch]++
		h := RecordHeader{ContentType: ct, Version: VersionDTLS12, Epoch: epoch, SequenceNumber: seq}
		if ct == ContentHandshake && epoch == 0 && payload[0] == byte(TypeClientHello) {
			h.Version = VersionDTLS10 // as browsers do
		}
		frag := payload
		if epoch > 0 {
			frag = cl.wcipher.seal(&h, payload)
		}
		rec := (&Record{Header: h, Fragment: frag}).Marshal(nil)
		if len(cur)+len(rec) > cl.mtu {
			out, cur = append(out, cur), nil
		}
		cur = append(cur, rec...)
	}
	for _, m := range msgs {
		if m.ccs {
			put(m.epoch, ContentChangeCipherSpec, []byte{1})
			continue
		}
		max := cl.mtu - recordHeaderLen - handshakeHeaderLen - aeadOverhead
		for off := 0; ; {
			n := min(max, len(m.body)-off)
			h := HandshakeHeader{Type: m.typ, Length: len(m.body), MessageSeq: m.seq, FragmentOffset: off, FragmentLength: n}
			put(m.epoch, ContentHandshake, append(appendHandshakeHeader(nil, &h), m.body[off:off+n]...))
			if off += n; off >= len(m.body) {
				break
			}
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// receive processes the server's datagrams and returns the client's answer
// (flight 3 after a HelloVerifyRequest, flight 5 after ServerHelloDone).
func (cl *testClient) receive(datagrams [][]byte) ([][]byte, error) {
	var answer [][]byte
	for _, d := range datagrams {
		recs, err := ParseRecords(d)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			h := r.Header
			if h.Epoch != cl.readEp && !(h.Epoch == 0 && cl.readEp == 1) {
				continue
			}
			if !cl.replay[h.Epoch].Check(h.SequenceNumber) {
				continue
			}
			p := r.Fragment
			if h.Epoch == 1 {
				if p, err = cl.rcipher.open(&h, r.Fragment); err != nil {
					return nil, err
				}
			}
			cl.replay[h.Epoch].Accept(h.SequenceNumber)
			switch h.ContentType {
			case ContentAlert:
				var a Alert
				if err := a.Unmarshal(p); err != nil {
					return nil, err
				}
				cl.alerts = append(cl.alerts, a)
			case ContentChangeCipherSpec:
				cl.readEp = 1
			case ContentApplicationData:
				cl.appData = append(cl.appData, p)
			case ContentHandshake:
				frags, err := ParseHandshakeFragments(p)
				if err != nil {
					return nil, err
				}
				for i := range frags {
					if frags[i].Header.Type == TypeHelloVerifyRequest {
						var hvr HelloVerifyRequest
						if err := hvr.Unmarshal(frags[i].Data); err != nil {
							return nil, err
						}
						if hvr.Version != VersionDTLS10 {
							return nil, fmt.Errorf("HelloVerifyRequest version %v", hvr.Version)
						}
						cl.cookie = hvr.Cookie
						cl.sendSeq = frags[i].Header.MessageSeq + 1
						cl.rs.anySeq, cl.rs.next = false, cl.sendSeq // ServerHello mirrors our seq
						answer = cl.helloDatagrams()
						continue
					}
					if _, err := cl.rs.push(&frags[i], h.Epoch); err != nil {
						return nil, err
					}
				}
				for {
					m, ok := cl.rs.pop()
					if !ok {
						break
					}
					a, err := cl.handleMessage(m)
					if err != nil {
						return nil, err
					}
					answer = append(answer, a...)
				}
			}
		}
	}
	return answer, nil
}

func (cl *testClient) handleMessage(m *HandshakeMessage) ([][]byte, error) {
	if m.Type == TypeServerHello {
		// The transcript starts with the ClientHello that carried the cookie.
		cl.tr = marshalHandshake(TypeClientHello, cl.hello.seq, cl.hello.body)
	}
	if m.Type != TypeFinished {
		cl.tr = append(cl.tr, m.transcriptBytes()...)
	}
	switch m.Type {
	case TypeServerHello:
		var sh ServerHello
		if err := sh.Unmarshal(m.Body); err != nil {
			return nil, err
		}
		if sh.CipherSuite != cl.suite.id {
			return nil, fmt.Errorf("suite %x", sh.CipherSuite)
		}
		if _, ok := findExtension(sh.Extensions, ExtExtendedMasterSecret); !ok {
			return nil, errors.New("no EMS in ServerHello")
		}
		if d, ok := findExtension(sh.Extensions, ExtUseSRTP); ok {
			p, _, err := parseUseSRTP(d)
			if err != nil || len(p) != 1 {
				return nil, fmt.Errorf("use_srtp answer %v %v", p, err)
			}
			cl.srtpSel = p[0]
		}
		cl.srvRand = sh.Random
	case TypeCertificate:
		var c Certificate
		if err := c.Unmarshal(m.Body); err != nil {
			return nil, err
		}
		cert, err := x509.ParseCertificate(c.Certificates[0])
		if err != nil {
			return nil, err
		}
		cl.serverSK = cert.PublicKey.(*ecdsa.PublicKey)
	case TypeServerKeyExchange:
		var ske ServerKeyExchange
		if err := ske.Unmarshal(m.Body); err != nil {
			return nil, err
		}
		d := crypto.SHA256.New()
		d.Write(ske.signedData(cl.random[:], cl.srvRand[:]))
		if !ecdsa.VerifyASN1(cl.serverSK, d.Sum(nil), ske.Signature) {
			return nil, errors.New("bad ServerKeyExchange signature")
		}
		if ske.Curve != cl.curve {
			return nil, fmt.Errorf("curve %v", ske.Curve)
		}
		curve := curveFor(cl.curve)
		pub, err := curve.NewPublicKey(ske.PublicKey)
		if err != nil {
			return nil, err
		}
		if cl.ecdhKey, err = curve.GenerateKey(rand.Reader); err != nil {
			return nil, err
		}
		pre, err := cl.ecdhKey.ECDH(pub)
		if err != nil {
			return nil, err
		}
		cl.master = pre // finished in ServerHelloDone, once CKE is in the transcript
	case TypeCertificateRequest:
		var cr CertificateRequest
		if err := cr.Unmarshal(m.Body); err != nil {
			return nil, err
		}
	case TypeServerHelloDone:
		return cl.buildFlight5(), nil
	case TypeFinished:
		want := finishedVerifyData(cl.suite.hash.New, cl.master, labelServerFinished, cl.hash(cl.suite.hash))
		if m.Epoch != 1 || !hmacEqual(m.Body, want) {
			return nil, errors.New("bad server Finished")
		}
		cl.tr = append(cl.tr, m.transcriptBytes()...)
		cl.done = true
	}
	return nil, nil
}

func (cl *testClient) hash(h crypto.Hash) []byte {
	d := h.New()
	d.Write(cl.tr)
	return d.Sum(nil)
}

func (cl *testClient) add(epoch uint16, typ HandshakeType, body []byte) {
	m := flightMessage{epoch: epoch, typ: typ, seq: cl.sendSeq, body: body}
	cl.sendSeq++
	cl.flight5 = append(cl.flight5, m)
	cl.tr = append(cl.tr, marshalHandshake(typ, m.seq, body)...)
}

func (cl *testClient) buildFlight5() [][]byte {
	cl.flight5 = nil
	cl.add(0, TypeCertificate, (&Certificate{Certificates: [][]byte{cl.certDER}}).Marshal())
	pub := cl.ecdhKey.PublicKey().Bytes()
	if cl.badPoint {
		pub = make([]byte, len(pub)) // x25519: low-order point; P-256: not on the curve
	}
	cl.add(0, TypeClientKeyExchange, (&ClientKeyExchange{PublicKey: pub}).Marshal())
	pre := cl.master
	cl.master = extendedMasterSecret(cl.suite.hash.New, pre, cl.hash(cl.suite.hash))
	kb := deriveKeyBlock(cl.suite, cl.master, cl.random[:], cl.srvRand[:])
	cl.wcipher, _ = newRecordCipher(kb.clientKey, kb.clientIV)
	cl.rcipher, _ = newRecordCipher(kb.serverKey, kb.serverIV)
	sig, err := ecdsa.SignASN1(rand.Reader, cl.certKey, cl.hash(crypto.SHA256))
	if err != nil {
		cl.t.Fatal(err)
	}
	if cl.badCV {
		sig, _ = ecdsa.SignASN1(rand.Reader, cl.certKey, make([]byte, 32))
	}
	cl.add(0, TypeCertificateVerify, (&CertificateVerify{SignatureAlgorithm: ECDSAWithP256AndSHA256, Signature: sig}).Marshal())
	cl.flight5 = append(cl.flight5, flightMessage{epoch: 0, ccs: true})
	vd := finishedVerifyData(cl.suite.hash.New, cl.master, labelClientFinished, cl.hash(cl.suite.hash))
	if cl.badFin {
		vd[0] ^= 1
	}
	cl.add(1, TypeFinished, vd)
	cl.writeEp = 1
	return cl.pack(cl.flight5)
}

// sealApp encrypts application data for the server.
func (cl *testClient) sealApp(ct ContentType, epoch uint16, p []byte) []byte {
	seq := cl.writeSeq[epoch]
	cl.writeSeq[epoch]++
	h := RecordHeader{ContentType: ct, Version: VersionDTLS12, Epoch: epoch, SequenceNumber: seq}
	frag := p
	if epoch == 1 {
		frag = cl.wcipher.seal(&h, p)
	}
	return (&Record{Header: h, Fragment: frag}).Marshal(nil)
}

// groups is the client's supported_groups: the post-quantum hybrid a 1.2
// server must skip, the curve under test, and P-256 for the server's
// certificate (RFC 8422 §5.1).
func (cl *testClient) groups() []CurveID {
	g := []CurveID{CurveX25519MLKEM768, cl.curve}
	if cl.curve != CurveP256 {
		g = append(g, CurveP256)
	}
	return g
}
