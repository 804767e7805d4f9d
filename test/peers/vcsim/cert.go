package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"time"
)

type thumbprints struct{ sha1, sha256 string }

// selfSignedTLS makes a fresh ECDSA P-256 certificate for 127.0.0.1/localhost, valid for two days, like the
// self-signed certificate an ESXi host makes at install: never trusted by a CA, so clients must pin it.
func selfSignedTLS() (*tls.Config, thumbprints, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, thumbprints{}, err
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "vcsim", Organization: []string{"VM Backup Explorer test peer"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(48 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, thumbprints{}, err
	}
	s1, s256 := sha1.Sum(der), sha256.Sum256(der)
	cfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	return cfg, thumbprints{colonHex(s1[:]), colonHex(s256[:])}, nil
}

func colonHex(b []byte) string {
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = strings.ToUpper(hex2(x))
	}
	return strings.Join(parts, ":")
}

func hex2(x byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[x>>4], digits[x&15]})
}
