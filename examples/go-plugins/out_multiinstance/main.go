// out_multiinstance shows one plugin serving several [OUTPUT] sections, each with its own
// context: every flush prints the `Id` of the instance it belongs to.
package main

import (
	"C"
	"fmt"
	"unsafe"

	"github.com/fluent/fluent-bit-go/output"
)

//export FLBPluginRegister
func FLBPluginRegister(def unsafe.Pointer) int {
	return output.FLBPluginRegister(def, "multiinstance", "Testing multiple instances.")
}

//export FLBPluginInit
func FLBPluginInit(plugin unsafe.Pointer) int {
	id := output.FLBPluginConfigKey(plugin, "id")
	fmt.Printf("[multiinstance] id = %q\n", id)
	output.FLBPluginSetContext(plugin, id)
	return output.FLB_OK
}

//export FLBPluginFlushCtx
func FLBPluginFlushCtx(ctx, data unsafe.Pointer, length C.int, tag *C.char) int {
	id := output.FLBPluginGetContext(ctx).(string)
	dec := output.NewDecoder(data, int(length))
	count := 0
	for {
		ret, _, record := output.GetRecord(dec)
		if ret != 0 {
			break
		}
		fmt.Printf("[multiinstance] id=%s tag=%s record=%v\n", id, C.GoString(tag), record)
		count++
	}
	return output.FLB_OK
}

//export FLBPluginExitCtx
func FLBPluginExitCtx(ctx unsafe.Pointer) int {
	id := output.FLBPluginGetContext(ctx).(string)
	fmt.Printf("[multiinstance] exit id = %q\n", id)
	return output.FLB_OK
}

func main() {}
