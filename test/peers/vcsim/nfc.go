package main

// OVF export leases, which govmomi 0.24.2's simulator does not serve (no VirtualMachine.ExportVm, no
// VirtualMachineSnapshot.ExportSnapshot; upstream HEAD has neither ExportVm). Written from the vSphere Web Services API
// reference (VirtualMachine.ExportVm, VirtualMachineSnapshot.ExportSnapshot, HttpNfcLease, HttpNfcLeaseInfo,
// HttpNfcLeaseDeviceUrl) and following govmomi's own code where it has one: the lease object and its URL layout as
// simulator/http_nfc_lease.go (upstream: initializing → ready through an update of state and info, LeaseTimeout 300,
// https://*/nfc/<lease>/<file> on ESX), the device keys as simulator/resource_pool.go ImportVApp
// ("/<vm moref>/<device type>:<n>"), and the client side it must serve as nfc/lease.go (Wait on state/info/error) and
// nfc/lease_updater.go (HttpNfcLeaseProgress every 2 s renews the lease).
//
// The lease is a managed object in vcsim's registry, so RetrievePropertiesEx / WaitForUpdatesEx read its state, info
// and error, and vcsim dispatches HttpNfcLeaseProgress / Complete / Abort to the methods below (the registry calls
// methods by name: simulator.go call). A GET of a device URL streams the disk's real bytes from the datastore
// directory (the extent `<disk>-flat.vmdk` vcsim creates beside each descriptor, the file /folder serves).

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// leaseConfig: how the launcher's export leases behave (flags in main.go).
type leaseConfig struct {
	timeout     time.Duration // HttpNfcLeaseInfo.leaseTimeout: no HttpNfcLeaseProgress for this long → state error, Timedout
	initDelay   time.Duration // how long the lease stays initializing
	bytesPerSec int64         // GET rate limit per transfer (0: none), so a transfer can outlast the timeout in tests
	host        string        // host[:port] in device URLs; "*" on ESX (API reference, HttpNfcLeaseDeviceUrl.url)
	sha1        string        // the server certificate's SHA-1 thumbprint (HttpNfcLeaseDeviceUrl.sslThumbprint)
}

type exportLease struct {
	mo.HttpNfcLease
	cfg      *leaseConfig
	mu       sync.Mutex
	files    map[string]string // targetId → local file
	last     time.Time         // last renewal (ready, or HttpNfcLeaseProgress)
	ended    bool              // completed, aborted or timed out
	timedOut bool
	closed   bool // the device URLs no longer serve (set after a timeout's state change is visible)
}

var exportLeases sync.Map // moref value → *exportLease (token-based URLs, as upstream's nfcLease map)

// newExportLease answers ExportVm (snapshot nil) or ExportSnapshot: a lease in state initializing that turns ready
// after cfg.initDelay with one device URL per virtual disk. ExportVm of a powered-on VM is refused InvalidPowerState
// (API reference, VirtualMachine.ExportVm: "if the virtual machine is powered on"); ExportSnapshot serves running VMs
// (govc export.ovf -snapshot "supports running VMs").
func newExportLease(vm *simulator.VirtualMachine, snapshot *simulator.VirtualMachineSnapshot, cfg *leaseConfig) (*exportLease, types.BaseMethodFault) {
	var devices object.VirtualDeviceList
	var ok bool
	simulator.Map.WithLock(vm, func() {
		if snapshot == nil && vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn {
			return
		}
		ok = true
		devices = object.VirtualDeviceList(vm.Config.Hardware.Device)
		if snapshot != nil && snapshot.Config.Hardware.Device != nil {
			devices = object.VirtualDeviceList(snapshot.Config.Hardware.Device)
		}
	})
	if !ok {
		return nil, &types.InvalidPowerState{RequestedState: types.VirtualMachinePowerStatePoweredOff, ExistingState: types.VirtualMachinePowerStatePoweredOn}
	}
	l := &exportLease{cfg: cfg, files: map[string]string{}}
	l.Self = types.ManagedObjectReference{Type: "HttpNfcLease"}
	l.State = types.HttpNfcLeaseStateInitializing
	simulator.Map.Put(l)
	exportLeases.Store(l.Self.Value, l)

	info := types.HttpNfcLeaseInfo{Lease: l.Self, Entity: vm.Self, LeaseTimeout: int32((cfg.timeout + time.Second - 1) / time.Second)}
	n := 0
	for _, d := range devices.SelectByType((*types.VirtualDisk)(nil)) {
		disk := d.(*types.VirtualDisk)
		backing, isFile := disk.Backing.(types.BaseVirtualDeviceFileBackingInfo)
		if !isFile {
			continue
		}
		local := datastoreFile(backing.GetVirtualDeviceFileBackingInfo().FileName)
		if local == "" {
			continue
		}
		if flat := strings.TrimSuffix(local, ".vmdk") + "-flat.vmdk"; fileExists(flat) {
			local = flat // the extent holds the disk's bytes; the descriptor only names it
		}
		target := fmt.Sprintf("disk-%d.vmdk", n)
		l.files[target] = local
		info.TotalDiskCapacityInKB += disk.CapacityInKB
		info.DeviceUrl = append(info.DeviceUrl, types.HttpNfcLeaseDeviceUrl{
			Key:           fmt.Sprintf("/%s/%s:%d", vm.Self.Value, devices.Type(disk), n),
			ImportKey:     "", // "only set for import leases" (API reference, HttpNfcLeaseDeviceUrl.importKey)
			Url:           (&url.URL{Scheme: "https", Host: cfg.host, Path: "/nfc/" + path.Join(l.Self.Value, target)}).String(),
			SslThumbprint: cfg.sha1,
			Disk:          types.NewBool(true),
			TargetId:      target,
		})
		n++
	}
	go l.run(info)
	return l, nil
}

// run: initializing → ready (initializeProgress 100, info set), then the timeout watch: a lease not renewed by
// HttpNfcLeaseProgress within leaseTimeout enters state error with a Timedout fault (API reference, HttpNfcLease:
// "Failure to do so causes the lease to time out and enter the error state").
func (l *exportLease) run(info types.HttpNfcLeaseInfo) {
	defer func() {
		if r := recover(); r != nil {
			log.Printf("vcsim launcher: lease %s panicked: %v", l.Self.Value, r)
		}
	}()
	time.Sleep(l.cfg.initDelay)
	l.mu.Lock()
	if l.ended {
		l.mu.Unlock()
		return
	}
	l.last = time.Now()
	l.mu.Unlock()
	l.update([]types.PropertyChange{{Name: "initializeProgress", Val: int32(100)}, {Name: "info", Val: info}, {Name: "state", Val: types.HttpNfcLeaseStateReady}})
	tick := l.cfg.timeout / 20
	if tick > time.Second {
		tick = time.Second
	}
	for {
		time.Sleep(tick)
		l.mu.Lock()
		if l.ended {
			l.mu.Unlock()
			return
		}
		expired := time.Since(l.last) > l.cfg.timeout
		if expired {
			l.ended, l.timedOut = true, true
		}
		l.mu.Unlock()
		if expired {
			log.Printf("vcsim launcher: lease %s timed out", l.Self.Value)
			l.update([]types.PropertyChange{
				{Name: "state", Val: types.HttpNfcLeaseStateError},
				{Name: "error", Val: types.LocalizedMethodFault{Fault: &types.Timedout{}, LocalizedMessage: "The lease timed out: no HttpNfcLeaseProgress within leaseTimeout."}},
			})
			l.mu.Lock()
			l.closed = true
			l.mu.Unlock()
			return
		}
	}
}

// update changes lease properties through Map.Update, so WaitForUpdatesEx watchers see them. Values, not pointers:
// mo.assignValue allocates a pointer field itself.
func (l *exportLease) update(changes []types.PropertyChange) {
	simulator.Map.WithLock(l, func() { simulator.Map.Update(l, changes) })
}

// leaseFault: what every lease method answers once the lease has ended — Timedout "if the lease has timed out",
// InvalidState "if the lease has already been completed or aborted" (API reference, HttpNfcLeaseComplete/Abort/Progress).
func (l *exportLease) leaseFault() types.BaseMethodFault {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.timedOut {
		return &types.Timedout{}
	}
	return &types.InvalidState{}
}

// end marks the lease ended; false when it had ended already (the fault to answer is then leaseFault).
func (l *exportLease) end() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ended {
		return false
	}
	l.ended, l.closed = true, true
	return true
}

// HttpNfcLeaseProgress renews the lease (API reference: "Sets the disk up/download progress, and renews this lease").
func (l *exportLease) HttpNfcLeaseProgress(req *types.HttpNfcLeaseProgress) soap.HasFault {
	body := &methods.HttpNfcLeaseProgressBody{}
	l.mu.Lock()
	ended := l.ended
	if !ended {
		l.last = time.Now()
	}
	l.mu.Unlock()
	if ended {
		body.Fault_ = simulator.Fault("", l.leaseFault())
		return body
	}
	l.TransferProgress = req.Percent
	body.Res = &types.HttpNfcLeaseProgressResponse{}
	return body
}

// HttpNfcLeaseComplete: state done; the lease is no longer valid (its URLs answer 404).
func (l *exportLease) HttpNfcLeaseComplete(req *types.HttpNfcLeaseComplete) soap.HasFault {
	body := &methods.HttpNfcLeaseCompleteBody{}
	if l.State != types.HttpNfcLeaseStateReady || !l.end() {
		body.Fault_ = simulator.Fault("", l.leaseFault())
		return body
	}
	go l.update([]types.PropertyChange{{Name: "state", Val: types.HttpNfcLeaseStateDone}})
	body.Res = &types.HttpNfcLeaseCompleteResponse{}
	return body
}

// HttpNfcLeaseAbort: state error with the client's fault (or RequestCanceled); the lease is no longer valid.
func (l *exportLease) HttpNfcLeaseAbort(req *types.HttpNfcLeaseAbort) soap.HasFault {
	body := &methods.HttpNfcLeaseAbortBody{}
	if !l.end() {
		body.Fault_ = simulator.Fault("", l.leaseFault())
		return body
	}
	fault := types.LocalizedMethodFault{Fault: &types.RequestCanceled{}, LocalizedMessage: "The export was aborted by the client."}
	if req.Fault != nil {
		fault = *req.Fault
	}
	go l.update([]types.PropertyChange{{Name: "state", Val: types.HttpNfcLeaseStateError}, {Name: "error", Val: fault}})
	body.Res = &types.HttpNfcLeaseAbortResponse{}
	return body
}

func (l *exportLease) active() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.closed && !l.last.IsZero()
}

// serveExport answers GET /nfc/<lease>/<target> for the launcher's export leases (false: not ours). The body is the
// file's bytes with its Content-Length; a lease that ends during the transfer (timeout, abort) cuts the connection.
func serveExport(w http.ResponseWriter, r *http.Request) bool {
	p := strings.Split(strings.TrimPrefix(r.URL.Path, "/nfc/"), "/")
	if len(p) != 2 {
		return false
	}
	v, ok := exportLeases.Load(p[0])
	if !ok {
		return false
	}
	l := v.(*exportLease)
	file, ok := l.files[p[1]]
	if !ok || !l.active() {
		http.NotFound(w, r)
		return true
	}
	if r.Method != http.MethodGet {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return true
	}
	f, err := os.Open(file)
	if err != nil {
		http.NotFound(w, r)
		return true
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		http.NotFound(w, r)
		return true
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(st.Size(), 10))
	w.WriteHeader(http.StatusOK)
	buf := make([]byte, 64<<10)
	start := time.Now()
	var sent int64
	for {
		if !l.active() {
			panic(http.ErrAbortHandler) // the lease ended: the transfer is cut, as the host drops it
		}
		n, err := f.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return true
			}
			sent += int64(n)
			if rate := l.cfg.bytesPerSec; rate > 0 {
				if ahead := time.Duration(sent*int64(time.Second)/rate) - time.Since(start); ahead > 0 {
					if fl, ok := w.(http.Flusher); ok {
						fl.Flush()
					}
					time.Sleep(ahead)
				}
			}
		}
		if err == io.EOF {
			log.Printf("nfc GET %s: %d bytes", file, sent)
			return true
		}
		if err != nil {
			panic(http.ErrAbortHandler)
		}
	}
}

// datastoreFile maps "[ds] dir/file" to the file in vcsim's datastore directory ("" when the datastore is unknown
// or the path climbs).
func datastoreFile(dsPath string) string {
	var p object.DatastorePath
	if !p.FromString(dsPath) || strings.Contains("/"+p.Path+"/", "/../") {
		return ""
	}
	for _, e := range simulator.Map.All("Datastore") {
		if ds, ok := e.(*simulator.Datastore); ok && ds.Name == p.Datastore {
			return path.Join(ds.Info.GetDatastoreInfo().Url, p.Path)
		}
	}
	return ""
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}
