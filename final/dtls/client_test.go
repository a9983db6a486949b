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
	replay   [2]replayWindow
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
	ch := clientHelloMsg{Version: VersionDTLS12, Random: cl.random, Cookie: cl.cookie,
		CipherSuites: []uint16{0x1301, uint16(cl.suite.id), 0xc02f}, CompressionMethods: []uint8{0}}
	add := func(t extensionType, data []byte) {
		ch.Extensions = append(ch.Extensions, extension{Type: t, Data: data})
	}
	add(extSupportedVersions, []byte{4, 0xfe, 0xfc, 0xfe, 0xfd}) // DTLS 1.3 offer, to be ignored
	add(extSupportedGroups, appendU16List(nil, cl.groups()))
	add(extECPointFormats, []byte{1, 0})
	add(extSignatureAlgorithms, appendU16List(nil, []signatureScheme{ecdsaWithP256AndSHA256, 0x0804}))
	if len(cl.srtp) > 0 {
		add(extUseSRTP, marshalUseSRTP(cl.srtp, nil))
	}
	if !cl.noEMS {
		add(extExtendedMasterSecret, nil)
	}
	add(extRenegotiationInfo, []byte{0})
	add(extKeyShare, make([]byte, 40)) // opaque to a 1.2 server
	cl.hello = flightMessage{typ: typeClientHello, seq: cl.sendSeq, body: ch.marshal()}
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
	put := func(epoch uint16, ct contentType, payload []byte) {
		seq := cl.writeSeq[epoch]
		cl.writeSeq[epoch]++
		h := recordHeader{ContentType: ct, Version: VersionDTLS12, Epoch: epoch, SequenceNumber: seq}
		if ct == contentHandshake && epoch == 0 && payload[0] == byte(typeClientHello) {
			h.Version = VersionDTLS10 // as browsers do
		}
		frag := payload
		if epoch > 0 {
			frag = cl.wcipher.seal(&h, payload)
		}
		rec := (&record{Header: h, Fragment: frag}).marshal(nil)
		if len(cur)+len(rec) > cl.mtu {
			out, cur = append(out, cur), nil
		}
		cur = append(cur, rec...)
	}
	for _, m := range msgs {
		if m.ccs {
			put(m.epoch, contentChangeCipherSpec, []byte{1})
			continue
		}
		max := cl.mtu - recordHeaderLen - handshakeHeaderLen - aeadOverhead
		for off := 0; ; {
			n := min(max, len(m.body)-off)
			h := handshakeHeader{Type: m.typ, Length: len(m.body), MessageSeq: m.seq, FragmentOffset: off, FragmentLength: n}
			put(m.epoch, contentHandshake, append(appendHandshakeHeader(nil, &h), m.body[off:off+n]...))
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
		recs, err := parseRecords(d)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			h := r.Header
			if h.Epoch != cl.readEp && !(h.Epoch == 0 && cl.readEp == 1) {
				continue
			}
			if !cl.replay[h.Epoch].check(h.SequenceNumber) {
				continue
			}
			p := r.Fragment
			if h.Epoch == 1 {
				if p, err = cl.rcipher.open(&h, r.Fragment); err != nil {
					return nil, err
				}
			}
			cl.replay[h.Epoch].accept(h.SequenceNumber)
			switch h.ContentType {
			case contentAlert:
				var a Alert
				if err := a.unmarshal(p); err != nil {
					return nil, err
				}
				cl.alerts = append(cl.alerts, a)
			case contentChangeCipherSpec:
				cl.readEp = 1
			case contentApplicationData:
				cl.appData = append(cl.appData, p)
			case contentHandshake:
				frags, err := parseHandshakeFragments(p)
				if err != nil {
					return nil, err
				}
				for i := range frags {
					if frags[i].Header.Type == typeHelloVerifyRequest {
						var hvr helloVerifyRequestMsg
						if err := hvr.unmarshal(frags[i].Data); err != nil {
							return nil, err
						}
						if hvr.Version != VersionDTLS10 {
							return nil, fmt.Errorf("HelloVerifyRequest version %v", hvr.Version)
						}
						cl.cookie = hvr.Cookie
						cl.sendSeq = frags[i].Header.MessageSeq + 1
						cl.rs.expect(cl.sendSeq) // ServerHello mirrors our seq
						answer = cl.helloDatagrams()
						continue
					}
					if _, err := cl.rs.push(&frags[i], h.Epoch, testServer); err != nil {
						return nil, err
					}
				}
				for {
					m, ok := cl.rs.pop()
					if !ok {
						break
					}
					cl.rs.accept(m)
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

func (cl *testClient) handleMessage(m *handshakeMessage) ([][]byte, error) {
	if m.Type == typeServerHello {
		// The transcript starts with the ClientHello that carried the cookie.
		cl.tr = marshalHandshake(typeClientHello, cl.hello.seq, cl.hello.body)
	}
	if m.Type != typeFinished {
		cl.tr = append(cl.tr, m.transcriptBytes()...)
	}
	switch m.Type {
	case typeServerHello:
		var sh serverHelloMsg
		if err := sh.unmarshal(m.Body); err != nil {
			return nil, err
		}
		if sh.CipherSuite != cl.suite.id {
			return nil, fmt.Errorf("suite %x", sh.CipherSuite)
		}
		if _, ok := findExtension(sh.Extensions, extExtendedMasterSecret); !ok {
			return nil, errors.New("no EMS in ServerHello")
		}
		if d, ok := findExtension(sh.Extensions, extUseSRTP); ok {
			p, _, err := parseUseSRTP(d)
			if err != nil || len(p) != 1 {
				return nil, fmt.Errorf("use_srtp answer %v %v", p, err)
			}
			cl.srtpSel = p[0]
		}
		cl.srvRand = sh.Random
	case typeCertificate:
		var c certificateMsg
		if err := c.unmarshal(m.Body); err != nil {
			return nil, err
		}
		cert, err := x509.ParseCertificate(c.Certificates[0])
		if err != nil {
			return nil, err
		}
		cl.serverSK = cert.PublicKey.(*ecdsa.PublicKey)
	case typeServerKeyExchange:
		var ske serverKeyExchangeMsg
		if err := ske.unmarshal(m.Body); err != nil {
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
	case typeCertificateRequest:
		var cr certificateRequestMsg
		if err := cr.unmarshal(m.Body); err != nil {
			return nil, err
		}
	case typeServerHelloDone:
		return cl.buildFlight5(), nil
	case typeFinished:
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

func (cl *testClient) add(epoch uint16, typ handshakeType, body []byte) {
	m := flightMessage{epoch: epoch, typ: typ, seq: cl.sendSeq, body: body}
	cl.sendSeq++
	cl.flight5 = append(cl.flight5, m)
	cl.tr = append(cl.tr, marshalHandshake(typ, m.seq, body)...)
}

func (cl *testClient) buildFlight5() [][]byte {
	cl.flight5 = nil
	cl.add(0, typeCertificate, (&certificateMsg{Certificates: [][]byte{cl.certDER}}).marshal())
	pub := cl.ecdhKey.PublicKey().Bytes()
	if cl.badPoint {
		pub = make([]byte, len(pub)) // x25519: low-order point; P-256: not on the curve
	}
	cl.add(0, typeClientKeyExchange, (&clientKeyExchangeMsg{PublicKey: pub}).marshal())
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
	cl.add(0, typeCertificateVerify, (&certificateVerifyMsg{SignatureAlgorithm: ecdsaWithP256AndSHA256, Signature: sig}).marshal())
	cl.flight5 = append(cl.flight5, flightMessage{epoch: 0, ccs: true})
	vd := finishedVerifyData(cl.suite.hash.New, cl.master, labelClientFinished, cl.hash(cl.suite.hash))
	if cl.badFin {
		vd[0] ^= 1
	}
	cl.add(1, typeFinished, vd)
	cl.writeEp = 1
	return cl.pack(cl.flight5)
}

// sealApp encrypts application data for the server.
func (cl *testClient) sealApp(ct contentType, epoch uint16, p []byte) []byte {
	seq := cl.writeSeq[epoch]
	cl.writeSeq[epoch]++
	h := recordHeader{ContentType: ct, Version: VersionDTLS12, Epoch: epoch, SequenceNumber: seq}
	frag := p
	if epoch == 1 {
		frag = cl.wcipher.seal(&h, p)
	}
	return (&record{Header: h, Fragment: frag}).marshal(nil)
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
