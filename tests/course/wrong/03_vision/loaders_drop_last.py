# notebook: vision.ipynb
# cell: make_loaders
# loses: test_make_loaders, test_make_loaders_shapes, test_make_loaders_values
# why: drops the last, smaller batch, so some images are never trained on or tested
def make_loaders(train_data, test_data, batch_size, seed=0):
    generator = torch.Generator().manual_seed(seed)
    train_loader = DataLoader(train_data, batch_size=batch_size, shuffle=True, generator=generator, drop_last=True)
    test_loader = DataLoader(test_data, batch_size=batch_size, drop_last=True)
    return train_loader, test_loader
