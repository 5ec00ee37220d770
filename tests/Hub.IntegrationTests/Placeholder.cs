namespace Mellanrum.Hub.IntegrationTests;
