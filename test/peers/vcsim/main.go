// vcsim launcher for VM Backup Explorer's tests: VMware's own vSphere simulator (govmomi `simulator`, Debian's
// golang-github-vmware-govmomi-dev 0.24.2) on loopback, with a fixed inventory sized by flags, TLS with a certificate
// made at start (its thumbprints printed, so pinning can be tested), and a few vSphere methods 0.24.2 lacks
// (see extend.go and README.md). Prints one JSON line {"url","sha1","sha256","pid"} when ready; SIGTERM/SIGINT
// shut it down cleanly (model.Remove() before s.Close(), or the govcsim-* temp directories stay behind).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

func main() {
	listen := flag.String("l", "127.0.0.1:0", "listen address (port 0: any free port)")
	username := flag.String("username", "user", "login user name")
	password := flag.String("password", "pass", "login password")
	esx := flag.Bool("esx", false, "a standalone ESX (HostAgent, ha-datacenter) instead of a vCenter")
	dc := flag.Int("dc", 1, "datacenters")
	cluster := flag.Int("cluster", 1, "clusters per datacenter")
	clusterHost := flag.Int("cluster-host", 3, "hosts per cluster")
	host := flag.Int("host", 1, "standalone hosts per datacenter")
	pool := flag.Int("pool", 0, "child resource pools per cluster")
	vm := flag.Int("vm", 2, "VMs per resource pool (each cluster's root pool and each standalone host's)")
	ds := flag.Int("ds", 1, "local datastores per datacenter")
	folder := flag.Int("folder", 0, "datacenters placed inside a folder")
	pg := flag.Int("pg", 1, "distributed port groups per datacenter")
	taskMs := flag.Int("task-ms", 0, "how long the launcher's ConsolidateVMDisks_Task runs (ms), in 20 progress steps")
	needsConsolidation := flag.String("consolidation-needed", "", "comma-separated VM names whose runtime.consolidationNeeded starts true")
	toolsRunning := flag.String("tools-running", "", "comma-separated VM names whose guest reports VMware Tools running (guest.toolsRunningStatus guestToolsRunning)")
	tlsOn := flag.Bool("tls", true, "serve https with a self-signed certificate made at start")
	leaseTimeout := flag.Int("lease-timeout", 300, "seconds an OVF export lease lives without HttpNfcLeaseProgress (vSphere: 300)")
	leaseInitMs := flag.Int("lease-init-ms", 200, "how long an OVF export lease stays initializing (ms)")
	nfcRate := flag.Int64("nfc-rate", 0, "bytes per second an OVF export download is served at (0: unlimited)")
	flag.Parse()
	log.SetOutput(os.Stderr)

	var model *simulator.Model
	if *esx {
		model = simulator.ESX()
		model.Datastore = *ds
		model.Machine = *vm
	} else {
		model = simulator.VPX()
		model.Datacenter, model.Cluster, model.ClusterHost, model.Host = *dc, *cluster, *clusterHost, *host
		model.Pool, model.Machine, model.Datastore, model.Folder, model.Portgroup = *pool, *vm, *ds, *folder, *pg
	}
	if err := model.Create(); err != nil {
		log.Fatalf("vcsim: create model: %v", err)
	}
	markConsolidationNeeded(*needsConsolidation)
	markToolsRunning(*toolsRunning)
	fixFileLayout()
	fixDatastoreMounts()

	model.Service.Listen = &url.URL{Host: *listen, User: url.UserPassword(*username, *password)}
	var thumbs thumbprints
	if *tlsOn {
		cfg, t, err := selfSignedTLS()
		if err != nil {
			log.Fatalf("vcsim: certificate: %v", err)
		}
		model.Service.TLS, thumbs = cfg, t
	}
	s := model.Service.NewServer()
	// Set before the URL is printed, so before any client can connect.
	leases := &leaseConfig{timeout: time.Duration(*leaseTimeout) * time.Second, initDelay: time.Duration(*leaseInitMs) * time.Millisecond,
		bytesPerSec: *nfcRate, host: s.URL.Host, sha1: thumbs.sha1}
	if *esx {
		// On an ESX host the lease URLs carry "*" for the host (and port) the client connected to (upstream
		// http_nfc_lease.go leaseURL; API reference, HttpNfcLeaseDeviceUrl.url).
		leases.host = "*"
	}
	s.Config.Handler = extend(s.Config.Handler, *taskMs, leases)

	u := *s.URL
	u.User = nil
	ready, _ := json.Marshal(map[string]interface{}{"url": u.String(), "sha1": thumbs.sha1, "sha256": thumbs.sha256, "pid": os.Getpid()})
	fmt.Println(string(ready))

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	model.Remove()
	s.Close()
}

// markConsolidationNeeded sets runtime.consolidationNeeded on the named VMs: a fixture, since 0.24.2 never sets it.
func markConsolidationNeeded(names string) {
	for _, vm := range vmsNamed(names) {
		simulator.Map.WithLock(vm, func() { vm.Runtime.ConsolidationNeeded = types.NewBool(true) })
	}
}

// markToolsRunning makes the named VMs' guests report VMware Tools installed, current and running: 0.24.2 gives every
// VM guest.toolsRunningStatus guestToolsNotRunning and toolsStatus toolsNotInstalled at creation and never changes
// them (simulator/folder.go CreateVM_Task: vm.Guest = &types.GuestInfo{ToolsStatus: ToolsNotInstalled,
// ToolsRunningStatus: GuestToolsNotRunning}; no guest agent runs in a simulated VM). The values are the API
// reference's: GuestInfo.toolsRunningStatus "Current running status of VMware Tools in the guest operating system"
// (VirtualMachineToolsRunningStatus guestToolsRunning: "VMware Tools is running.") and GuestInfo.toolsStatus /
// VirtualMachineGuestSummary.toolsStatus toolsOk ("VMware Tools is running and the version is current."). The status
// is set once, at start: it does not follow later power operations (a real guest's Tools stop with it).
func markToolsRunning(names string) {
	for _, vm := range vmsNamed(names) {
		simulator.Map.WithLock(vm, func() {
			if vm.Guest == nil {
				vm.Guest = &types.GuestInfo{}
			}
			vm.Guest.ToolsRunningStatus = string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)
			vm.Guest.ToolsStatus = types.VirtualMachineToolsStatusToolsOk
			if vm.Summary.Guest == nil {
				vm.Summary.Guest = &types.VirtualMachineGuestSummary{}
			}
			vm.Summary.Guest.ToolsStatus = types.VirtualMachineToolsStatusToolsOk
			vm.Summary.Guest.ToolsRunningStatus = vm.Guest.ToolsRunningStatus
		})
	}
}

// vmsNamed: the simulator's VMs whose names are in the comma-separated list (none for "").
func vmsNamed(names string) []*simulator.VirtualMachine {
	want := map[string]bool{}
	for _, n := range strings.Split(names, ",") {
		if n != "" {
			want[n] = true
		}
	}
	var vms []*simulator.VirtualMachine
	for _, e := range simulator.Map.All("VirtualMachine") {
		if vm := e.(*simulator.VirtualMachine); want[vm.Name] {
			vms = append(vms, vm)
		}
	}
	return vms
}

var datastorePath = regexp.MustCompile(`^\[([^\]]+)\] ?(.*)$`)

// fixFileLayout corrects each VM's layoutEx.file: 0.24.2's Model.Create gives VMs the VmPathName "[LocalDS_0]"
// first, so the layout names "[LocalDS_0] <vm>.vmx", "[LocalDS_0] <vm>.nvram", "[LocalDS_0] disk1.vmdk"… at the
// datastore root, where nothing is (virtual_machine.go addFileLayoutEx), and lists the disks twice. vSphere lists
// each of the VM's real files once (API reference: VirtualMachineFileLayoutEx): an entry whose file is missing is
// moved into the VM's directory if the file is there, else dropped; duplicates are dropped.
func fixFileLayout() {
	dirs := map[string]string{}
	for _, e := range simulator.Map.All("Datastore") {
		ds := e.(*simulator.Datastore)
		dirs[ds.Name] = ds.Info.GetDatastoreInfo().Url
	}
	exists := func(name string) bool {
		m := datastorePath.FindStringSubmatch(name)
		if m == nil || dirs[m[1]] == "" {
			return true // not ours to judge
		}
		_, err := os.Stat(filepath.Join(dirs[m[1]], m[2]))
		return err == nil
	}
	for _, e := range simulator.Map.All("VirtualMachine") {
		vm := e.(*simulator.VirtualMachine)
		simulator.Map.WithLock(vm, func() {
			if vm.LayoutEx == nil || vm.Config == nil {
				return
			}
			vmx := datastorePath.FindStringSubmatch(vm.Config.Files.VmPathName)
			seen := map[string]int32{}
			same := map[int32]int32{} // a dropped duplicate's key → the kept entry's key
			kept := vm.LayoutEx.File[:0]
			for _, f := range vm.LayoutEx.File {
				if !exists(f.Name) && vmx != nil {
					if m := datastorePath.FindStringSubmatch(f.Name); m != nil {
						f.Name = "[" + m[1] + "] " + filepath.Join(filepath.Dir(vmx[2]), m[2])
					}
				}
				if !exists(f.Name) {
					continue
				}
				if key, dup := seen[f.Name]; dup {
					same[f.Key] = key
					continue
				}
				seen[f.Name] = f.Key
				kept = append(kept, f)
			}
			vm.LayoutEx.File = kept
			// layoutEx.disk names its files by key (API reference: VirtualMachineFileLayoutExDiskUnit.fileKey): a
			// duplicate's key now names the kept entry; a missing file's key stays, naming nothing, as it should.
			for i := range vm.LayoutEx.Disk {
				for j := range vm.LayoutEx.Disk[i].Chain {
					keys := vm.LayoutEx.Disk[i].Chain[j].FileKey
					for k, key := range keys {
						if to, ok := same[key]; ok {
							keys[k] = to
						}
					}
				}
			}
		})
	}
}

// fixDatastoreMounts makes each datastore's `host` list every host that mounts it, and summary.multipleHostAccess say
// whether more than one does. 0.24.2's Model.Create mounts each LocalDS_<n> on every host of the datacenter
// (model.go createLocalDatastore: CreateLocalDatastore per host on one directory, one moref), and every HostSystem's
// `datastore` lists it, but each call replaces the Datastore object, whose `host` then names the last host only
// (host_datastore_system.go CreateLocalDatastore) and whose multipleHostAccess stays unset. vSphere keeps both sides
// of a mount (API reference: Datastore.host "Hosts attached to this datastore", HostSystem.datastore; and
// DatastoreSummary.multipleHostAccess "More than one host in the datacenter has been configured with access to the
// datastore"). Runs once at start: a datastore made later (CreateLocalDatastore) is vcsim's own.
func fixDatastoreMounts() {
	mounts := map[types.ManagedObjectReference][]types.ManagedObjectReference{}
	for _, e := range simulator.Map.All("HostSystem") {
		h := e.(*simulator.HostSystem)
		for _, ds := range h.Datastore {
			mounts[ds] = append(mounts[ds], h.Self)
		}
	}
	for _, e := range simulator.Map.All("Datastore") {
		ds := e.(*simulator.Datastore)
		hosts := mounts[ds.Self]
		if len(hosts) == 0 {
			continue
		}
		simulator.Map.WithLock(ds, func() {
			info := types.HostMountInfo{AccessMode: string(types.HostMountModeReadWrite), Mounted: types.NewBool(true), Accessible: types.NewBool(true)}
			if len(ds.Host) > 0 {
				info = ds.Host[0].MountInfo
			}
			ds.Host = ds.Host[:0]
			for _, h := range hosts {
				ds.Host = append(ds.Host, types.DatastoreHostMount{Key: h, MountInfo: info})
			}
			ds.Summary.MultipleHostAccess = types.NewBool(len(hosts) > 1)
		})
	}
}
