// Package config holds the server's settings: defaults embedded from
// defaults.yaml, then an optional YAML file (-config FILE), then flags.
// Nothing needs configuring to run on localhost.
package config

import (
	"bytes"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"nutsandbolts/final/srtp"
)

//go:embed defaults.yaml
var defaults []byte

// Config is every setting of the server.
type Config struct {
	HTTP             string        `yaml:"http"`              // listen address of the page and WebSocket
	UDP              int           `yaml:"udp"`               // the one UDP port for media
	STUN             string        `yaml:"stun"`              // STUN server to learn our public address from, or ""
	PublicIP         string        `yaml:"public_ip"`         // our public address, advertised as a candidate, or ""
	MTU              int           `yaml:"mtu"`               // largest datagram we send
	UDPReadBuffer    int           `yaml:"udp_read_buffer"`   // receive buffer of the UDP socket, in bytes
	Trace            bool          `yaml:"trace"`             // log every datagram received and sent
	SRTPProfiles     []string      `yaml:"srtp_profiles"`     // SRTP protection profiles in our order of preference
	Out              string        `yaml:"out"`               // folder for the received video (and, from step 7, the JPEG files)
	KeyframeInterval time.Duration `yaml:"keyframe_interval"` // ask for a keyframe this often; 0: only when needed
	JPEGQuality      int           `yaml:"jpeg_quality"`      // 1–100, image/jpeg
	MaxJPEGs         int           `yaml:"max_jpegs"`         // JPEG files one run writes at most; 0 for no cap
	Log              string        `yaml:"log"`               // log level name
	Signaling        Signaling     `yaml:"signaling"`         // WebSocket limits

	HTTPS          bool   `yaml:"https"`            // serve the page over TLS (a phone's camera needs https)
	Cert           string `yaml:"cert"`             // PEM certificate for https; empty: a self-signed one made at start
	Key            string `yaml:"key"`              // PEM private key of cert
	PCAP           string `yaml:"pcap"`             // write every session's decrypted RTP and RTCP to this pcap file
	MaxOutputBytes int64  `yaml:"max_output_bytes"` // bytes of IVF and JPEG one run writes at most; 0 for no cap
	DiskReserve    int64  `yaml:"disk_reserve"`     // stop writing when the output folder's disk has less free
}

// Signaling limits what a browser may do over the WebSocket.
type Signaling struct {
	MaxMessageBytes       int           `yaml:"max_message_bytes"`        // larger messages are refused
	MaxSessions           int           `yaml:"max_sessions"`             // concurrent WebSockets
	MaxSessionsPerAddress int           `yaml:"max_sessions_per_address"` // concurrent WebSockets from one IP address (IPv6: one /64)
	AnswerTimeout         time.Duration `yaml:"answer_timeout"`           // a session with no accepted answer by then is closed
	AllowedOrigins        []string      `yaml:"allowed_origins"`          // besides same-origin
	AllowedHosts          []string      `yaml:"allowed_hosts"`            // Host names served besides localhost, this machine's name and IP addresses
	ConnectRate           float64       `yaml:"connect_rate"`             // new WebSockets per second from one IP address, on average
	ConnectBurst          int           `yaml:"connect_burst"`            // … and at once
}

// Default returns the embedded defaults.
func Default() *Config {
	c, err := decode(defaults, &Config{})
	if err != nil {
		panic("config: embedded defaults.yaml: " + err.Error()) // invariant: the embedded file is tested
	}
	return c
}

// Load builds the configuration from the command line: defaults, then the
// file named by -config, then the flags that were given.
func Load(args []string, stderr io.Writer) (*Config, error) {
	c := Default()
	fs, file, apply := flags(c)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("config: unexpected argument %q", fs.Arg(0))
	}
	if *file != "" {
		b, err := os.ReadFile(*file)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		if c, err = decode(b, c); err != nil {
			return nil, fmt.Errorf("config: %s: %w", *file, err)
		}
	}
	apply(c)
	return c, c.Check()
}

// flags defines the command-line flags over the settings in c. apply
// copies the flags that were given into a Config, after the file is read.
func flags(c *Config) (fs *flag.FlagSet, file *string, apply func(*Config)) {
	fs = flag.NewFlagSet("server", flag.ContinueOnError)
	file = fs.String("config", "", "YAML file with settings (see config/defaults.yaml)")
	httpAddr := fs.String("http", c.HTTP, "HTTP `address` for the page and the WebSocket")
	udp := fs.Int("udp", c.UDP, "UDP `port` for media")
	stunServer := fs.String("stun", c.STUN, "STUN server `host:port` to learn the public address from (default: none)")
	publicIP := fs.String("public-ip", c.PublicIP, "this server's public IP `address`, advertised as an ICE candidate")
	mtu := fs.Int("mtu", c.MTU, "largest UDP datagram to send, in `bytes`")
	readBuffer := fs.Int("udp-read-buffer", c.UDPReadBuffer, "receive buffer of the UDP socket, in `bytes`")
	trace := fs.Bool("trace", c.Trace, "log every UDP datagram received and sent, with a short hexdump")
	out := fs.String("out", c.Out, "`folder` for the received video")
	keyframes := fs.Duration("keyframe-interval", c.KeyframeInterval, "ask the browser for a keyframe this often (0: only when needed)")
	quality := fs.Int("jpeg-quality", c.JPEGQuality, "JPEG `quality`, 1–100")
	maxJPEGs := fs.Int("max-jpegs", c.MaxJPEGs, "JPEG files one run writes at most (0: no cap)")
	profiles := fs.String("srtp-profiles", strings.Join(c.SRTPProfiles, ","), "SRTP protection `profiles` in order of preference, comma-separated")
	level := fs.String("log", c.Log, "log `level`: debug, info, warn or error")
	https := fs.Bool("https", c.HTTPS, "serve the page over https, with a self-signed certificate unless -cert and -key are given")
	certFile := fs.String("cert", c.Cert, "PEM certificate `file` for -https")
	keyFile := fs.String("key", c.Key, "PEM private key `file` for -https")
	pcapFile := fs.String("pcap", c.PCAP, "write every session's decrypted RTP and RTCP to this pcap `file` (Wireshark)")
	maxOutput := fs.Int64("max-output-bytes", c.MaxOutputBytes, "`bytes` of video and JPEG files one run writes at most (0: no cap)")
	reserve := fs.Int64("disk-reserve", c.DiskReserve, "stop writing files when the disk has fewer free `bytes`")
	maxSessions := fs.Int("max-sessions", c.Signaling.MaxSessions, "browsers connected at once, at most")
	perAddress := fs.Int("max-sessions-per-address", c.Signaling.MaxSessionsPerAddress, "browsers connected at once from one IP address, at most")
	answerTimeout := fs.Duration("answer-timeout", c.Signaling.AnswerTimeout, "close a session with no accepted answer after this long")
	maxMessage := fs.Int("max-message-bytes", c.Signaling.MaxMessageBytes, "largest WebSocket message accepted, in `bytes`")
	origins := fs.String("allowed-origins", strings.Join(c.Signaling.AllowedOrigins, ","), "origins allowed to open the WebSocket besides the page's own, comma-separated")
	hosts := fs.String("allowed-hosts", strings.Join(c.Signaling.AllowedHosts, ","), "host names served besides localhost, this machine's name and IP addresses, comma-separated")
	connectRate := fs.Float64("connect-rate", c.Signaling.ConnectRate, "new WebSockets per second from one IP address, on average")
	connectBurst := fs.Int("connect-burst", c.Signaling.ConnectBurst, "new WebSockets from one IP address at once, at most")
	apply = func(c *Config) {
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "http":
				c.HTTP = *httpAddr
			case "udp":
				c.UDP = *udp
			case "stun":
				c.STUN = *stunServer
			case "public-ip":
				c.PublicIP = *publicIP
			case "mtu":
				c.MTU = *mtu
			case "udp-read-buffer":
				c.UDPReadBuffer = *readBuffer
			case "trace":
				c.Trace = *trace
			case "out":
				c.Out = *out
			case "keyframe-interval":
				c.KeyframeInterval = *keyframes
			case "jpeg-quality":
				c.JPEGQuality = *quality
			case "max-jpegs":
				c.MaxJPEGs = *maxJPEGs
			case "srtp-profiles":
				c.SRTPProfiles = strings.Split(*profiles, ",")
			case "log":
				c.Log = *level
			case "https":
				c.HTTPS = *https
			case "cert":
				c.Cert = *certFile
			case "key":
				c.Key = *keyFile
			case "pcap":
				c.PCAP = *pcapFile
			case "max-output-bytes":
				c.MaxOutputBytes = *maxOutput
			case "disk-reserve":
				c.DiskReserve = *reserve
			case "max-sessions":
				c.Signaling.MaxSessions = *maxSessions
			case "max-sessions-per-address":
				c.Signaling.MaxSessionsPerAddress = *perAddress
			case "answer-timeout":
				c.Signaling.AnswerTimeout = *answerTimeout
			case "max-message-bytes":
				c.Signaling.MaxMessageBytes = *maxMessage
			case "allowed-origins":
				c.Signaling.AllowedOrigins = splitList(*origins)
			case "allowed-hosts":
				c.Signaling.AllowedHosts = splitList(*hosts)
			case "connect-rate":
				c.Signaling.ConnectRate = *connectRate
			case "connect-burst":
				c.Signaling.ConnectBurst = *connectBurst
			}
		})
	}
	return fs, file, apply
}

// Flags returns the command-line flags, with the defaults, for -h and the docs.
func Flags() *flag.FlagSet {
	fs, _, _ := flags(Default())
	return fs
}

// Keys lists the settings of defaults.yaml in file order, nested ones as
// "signaling.max_sessions".
func Keys() []string {
	var root yaml.Node
	if err := yaml.Unmarshal(defaults, &root); err != nil || len(root.Content) == 0 {
		return nil
	}
	var keys []string
	var walk func(prefix string, n *yaml.Node)
	walk = func(prefix string, n *yaml.Node) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i].Value, n.Content[i+1]
			if v.Kind == yaml.MappingNode {
				walk(prefix+k+".", v)
				continue
			}
			keys = append(keys, prefix+k)
		}
	}
	walk("", root.Content[0])
	return keys
}

// splitList splits a comma-separated flag value; empty gives none.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// decode reads YAML over c, refusing unknown keys so a typo is not silently ignored.
func decode(b []byte, c *Config) (*Config, error) {
	d := yaml.NewDecoder(bytes.NewReader(b))
	d.KnownFields(true)
	if err := d.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return c, nil
}

// Check reports the first setting that cannot work.
func (c *Config) Check() error {
	switch {
	case c.HTTP == "":
		return errors.New("config: http: empty address")
	case c.UDP < 0 || c.UDP > 65535:
		return fmt.Errorf("config: udp: port %d out of range", c.UDP)
	case c.Signaling.MaxMessageBytes < 1024:
		return fmt.Errorf("config: signaling.max_message_bytes: %d is too small for an SDP", c.Signaling.MaxMessageBytes)
	case c.MTU < 256 || c.MTU > 65507:
		return fmt.Errorf("config: mtu: %d is not between 256 and 65507", c.MTU)
	case c.UDPReadBuffer < 0:
		return fmt.Errorf("config: udp_read_buffer: %d is negative", c.UDPReadBuffer)
	case c.Signaling.MaxSessions < 1:
		return fmt.Errorf("config: signaling.max_sessions: %d", c.Signaling.MaxSessions)
	case c.Signaling.MaxSessionsPerAddress < 1:
		return fmt.Errorf("config: signaling.max_sessions_per_address: %d", c.Signaling.MaxSessionsPerAddress)
	case c.Signaling.AnswerTimeout <= 0:
		return fmt.Errorf("config: signaling.answer_timeout: %v: want a positive duration such as 15s", c.Signaling.AnswerTimeout)
	}
	for _, h := range c.Signaling.AllowedHosts {
		if h == "" || strings.ContainsAny(h, ":/ []") {
			return fmt.Errorf("config: signaling.allowed_hosts: %q: want a host name without scheme or port, or \"*\"", h)
		}
	}
	if c.PublicIP != "" {
		if _, err := netip.ParseAddr(c.PublicIP); err != nil {
			return fmt.Errorf("config: public_ip: %w", err)
		}
	}
	if c.Out == "" {
		return errors.New("config: out: empty folder name")
	}
	if c.KeyframeInterval < 0 {
		return fmt.Errorf("config: keyframe_interval: %v is negative", c.KeyframeInterval)
	}
	if c.JPEGQuality < 1 || c.JPEGQuality > 100 {
		return fmt.Errorf("config: jpeg_quality: %d is not between 1 and 100", c.JPEGQuality)
	}
	if c.MaxJPEGs < 0 {
		return fmt.Errorf("config: max_jpegs: %d is negative", c.MaxJPEGs)
	}
	if len(c.SRTPProfiles) == 0 {
		return errors.New("config: srtp_profiles: empty")
	}
	for _, name := range c.SRTPProfiles {
		if _, ok := srtp.ParseProfile(strings.TrimSpace(name)); !ok {
			return fmt.Errorf("config: srtp_profiles: unknown profile %q", name)
		}
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.Log)); err != nil {
		return fmt.Errorf("config: log: %w", err)
	}
	switch {
	case (c.Cert == "") != (c.Key == ""):
		return errors.New("config: cert and key: give both files or neither")
	case c.Cert != "" && !c.HTTPS:
		return errors.New("config: cert and key are for https: set https too (flag -https)")
	case c.MaxOutputBytes < 0:
		return fmt.Errorf("config: max_output_bytes: %d is negative", c.MaxOutputBytes)
	case c.DiskReserve < 0:
		return fmt.Errorf("config: disk_reserve: %d is negative", c.DiskReserve)
	case c.Signaling.ConnectRate <= 0:
		return fmt.Errorf("config: signaling.connect_rate: %v: want a positive number of connections per second", c.Signaling.ConnectRate)
	case c.Signaling.ConnectBurst < 1:
		return fmt.Errorf("config: signaling.connect_burst: %d: want at least 1", c.Signaling.ConnectBurst)
	}
	return nil
}

// Level is the log level named by c.Log.
func (c *Config) Level() slog.Level {
	var l slog.Level
	_ = l.UnmarshalText([]byte(c.Log)) // checked by Check
	return l
}
