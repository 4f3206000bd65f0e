module 0earlylog

go 1.26
