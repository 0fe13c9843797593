module github.com/tributary/examples/out_counter

go 1.21

require github.com/fluent/fluent-bit-go v0.0.0-20230731091245-a7a013e2473c

require github.com/ugorji/go/codec v1.1.7 // indirect
