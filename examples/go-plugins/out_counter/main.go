// out_counter decodes every record with fluent-bit-go's decoder and counts them; at exit it
// writes the count to the file named by `Count_File` (if set). Benchmarks and end-to-end tests
// use it to check that every record sent arrived.
package main

import (
	"C"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/fluent/fluent-bit-go/output"
)

type counter struct {
	file    string
	records atomic.Int64
	flushes atomic.Int64
}

var instances sync.Map

//export FLBPluginRegister
func FLBPluginRegister(def unsafe.Pointer) int {
	return output.FLBPluginRegister(def, "counter", "Counts records (benchmarks and tests)")
}

//export FLBPluginInit
func FLBPluginInit(plugin unsafe.Pointer) int {
	c := &counter{file: output.FLBPluginConfigKey(plugin, "count_file")}
	output.FLBPluginSetContext(plugin, c)
	return output.FLB_OK
}

//export FLBPluginFlushCtx
func FLBPluginFlushCtx(ctx, data unsafe.Pointer, length C.int, tag *C.char) int {
	c := output.FLBPluginGetContext(ctx).(*counter)
	dec := output.NewDecoder(data, int(length))
	var n int64
	for {
		ret, _, _ := output.GetRecord(dec)
		if ret != 0 {
			break
		}
		n++
	}
	c.records.Add(n)
	c.flushes.Add(1)
	return output.FLB_OK
}

//export FLBPluginExitCtx
func FLBPluginExitCtx(ctx unsafe.Pointer) int {
	c := output.FLBPluginGetContext(ctx).(*counter)
	if c.file != "" {
		text := fmt.Sprintf("{\"records\":%d,\"flushes\":%d}\n", c.records.Load(), c.flushes.Load())
		if err := os.WriteFile(c.file, []byte(text), 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "[counter] cannot write %s: %v\n", c.file, err)
			return output.FLB_ERROR
		}
	}
	return output.FLB_OK
}

func main() {}
