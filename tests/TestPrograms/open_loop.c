// Opens, reads and closes argv[1] argv[2] times: a steady stream of virtual opens for a soak test.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char buffer[64];
    for (long i = 0, n = atol(argv[2]); i < n; i++)
    {
        int fd = open(argv[1], O_RDONLY);
        if (fd < 0 || read(fd, buffer, sizeof buffer) <= 0 || close(fd) != 0)
        {
            perror(argv[1]);
            return 1;
        }
    }
    return 0;
}
