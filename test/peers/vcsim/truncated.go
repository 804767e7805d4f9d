package main

// PropertyCollector.WaitForUpdatesEx with WaitOptions.maxObjectUpdates, which govmomi 0.24.2's simulator ignores
// (property_collector.go WaitForUpdatesEx reads only MaxWaitSeconds and answers a filter's whole state at once).
// Written from the vSphere Web Services API reference:
//   - WaitOptions.maxObjectUpdates: "The maximum number of ObjectUpdate entries that should be returned in a single
//     result from WaitForUpdatesEx … A positive value causes WaitForUpdatesEx to suspend the update calculation when
//     the total count of ObjectUpdate entries ready to return reaches the specified maximum … A value less than or
//     equal to 0 is illegal."
//   - UpdateSet.truncated: "If true, this UpdateSet contains results from a suspended change calculation … The client
//     can pass the 'truncated data version' to WaitForUpdatesEx to resume the update calculation … A truncated data
//     version cannot be used more than once." If false, the UpdateSet is complete "or the last part of a series of
//     suspended change calculations".
// vcsim calculates the whole answer (so a filter's objects still enter once: filter.refs), and it is handed out
// maxObjectUpdates ObjectUpdate entries at a time, grouped by filter as vcsim grouped them; each part but the last
// carries a truncated data version of the launcher's and truncated=true, the last one vcsim's own version.

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// updateRest: what is left of one calculated UpdateSet, for the collector that asked.
type updateRest struct {
	collector string
	version   string   // vcsim's version, for the last part
	parts     [][]byte // each part's filterSet elements
}

// one ObjectUpdate as raw bytes, with its filter's <filter> element.
type objectUpdate struct {
	filter []byte
	update []byte
}

const truncatedPrefix = "vcsim-truncated-"

func (x *extensions) waitTruncated(w http.ResponseWriter, r *http.Request, body []byte, c *soapCall) bool {
	max := *c.MaxUpdates
	if max <= 0 {
		writeFaultDetail(w, "A specified parameter was not correct: options.maxObjectUpdates", "InvalidArgument",
			"<invalidProperty>options.maxObjectUpdates</invalidProperty>")
		return true
	}
	if c.Version != nil && strings.HasPrefix(*c.Version, truncatedPrefix) {
		x.mu.Lock()
		rest, ok := x.rests[*c.Version]
		delete(x.rests, *c.Version) // used once
		x.mu.Unlock()
		if !ok || rest.collector != c.This.Value {
			writeFaultDetail(w, "A specified parameter was not correct: version", "InvalidArgument",
				"<invalidProperty>version</invalidProperty>")
			return true
		}
		x.writeUpdatePart(w, c.This.Value, rest.version, rest.parts)
		return true
	}
	rec := x.recordNext(r, body)
	version, updates, ok := splitUpdates(rec.Body.Bytes())
	if rec.Code != http.StatusOK || !ok || len(updates) <= max {
		copyRecorded(w, rec)
		return true
	}
	x.writeUpdatePart(w, c.This.Value, version, inParts(updates, max, filterSets))
	return true
}

// writeUpdatePart answers parts[0]: with a new truncated data version and truncated=true when parts remain, else with
// vcsim's version.
func (x *extensions) writeUpdatePart(w http.ResponseWriter, collector, version string, parts [][]byte) {
	v, truncated := version, ""
	if len(parts) > 1 {
		x.mu.Lock()
		x.tokens++
		v = fmt.Sprintf("%s%d", truncatedPrefix, x.tokens)
		x.rests[v] = &updateRest{collector: collector, version: version, parts: parts[1:]}
		x.mu.Unlock()
		truncated = "<truncated>true</truncated>"
	}
	var ver bytes.Buffer
	_ = xml.EscapeText(&ver, []byte(v))
	writeResponse(w, "WaitForUpdatesEx", "<returnval><version>"+ver.String()+"</version>"+string(parts[0])+truncated+"</returnval>")
}

// filterSets groups consecutive ObjectUpdates of the same filter into PropertyFilterUpdate elements.
func filterSets(updates []objectUpdate) []byte {
	var out bytes.Buffer
	for i, u := range updates {
		if i == 0 || !bytes.Equal(u.filter, updates[i-1].filter) {
			if i > 0 {
				out.WriteString("</filterSet>")
			}
			out.WriteString("<filterSet>")
			out.Write(u.filter)
		}
		out.Write(u.update)
	}
	if len(updates) > 0 {
		out.WriteString("</filterSet>")
	}
	return out.Bytes()
}

// splitUpdates returns a WaitForUpdatesEx reply's UpdateSet.version and each ObjectUpdate (filterSet > objectSet) as
// raw bytes with its filter; false when the reply is not one (a fault, no returnval: passed on unchanged). A reply
// with a filterSet's missingSet is not split (the launcher's filters over a ContainerView never have one).
func splitUpdates(reply []byte) (string, []objectUpdate, bool) {
	dec := xml.NewDecoder(bytes.NewReader(reply))
	var out []objectUpdate
	var filter []byte
	version, inVersion, seenReturn := "", false, false
	depth, start := 0, int64(-1)
	for {
		before := dec.InputOffset()
		// RawToken: no namespace translation, which the split does not need (it matches local names and depths).
		tok, err := dec.RawToken()
		if err == io.EOF {
			return version, out, seenReturn
		}
		if err != nil {
			return "", nil, false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 4 && t.Name.Local == "returnval": // Envelope > Body > Response > returnval
				seenReturn = true
			case depth == 5 && t.Name.Local == "version":
				inVersion = true
			case depth == 5 && t.Name.Local == "truncated":
				return "", nil, false // already truncated by vcsim: never, but not ours to split
			case depth == 6 && (t.Name.Local == "filter" || t.Name.Local == "objectSet"):
				start = before
			case depth == 6 && t.Name.Local == "missingSet":
				return "", nil, false
			}
		case xml.CharData:
			if inVersion {
				version += string(t)
			}
		case xml.EndElement:
			if depth == 5 && t.Name.Local == "version" {
				inVersion = false
			}
			if depth == 6 && start >= 0 {
				raw := append([]byte(nil), reply[start:dec.InputOffset()]...)
				if t.Name.Local == "filter" {
					filter = raw
				} else {
					out = append(out, objectUpdate{filter: filter, update: raw})
				}
				start = -1
			}
			depth--
		}
	}
}
